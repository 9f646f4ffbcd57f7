import type { Answer, Commitment, FollowUp, Question } from '../../../shared/schemas/entities';
import { PUBLIC_QUESTION_STATUSES, type QuestionStatus } from '../../../shared/schemas/enums';
import type { AnswerRow, CommitmentRow, FollowUpRow, QuestionContext, QuestionWithAuthor } from './questions.repo';
import { parseAgencyList } from '../agencies';

/**
 * Who a question is shaped for.
 * - `staff`: the desk (moderators, secretaries, admins of the session): everything but contact.
 * - `panel`: leaders at the podium and the big screen: the public view plus the briefing note;
 *   never an anonymous author's name, locality or group.
 * - `public`: other participants: public statuses only, no identity of anonymous authors.
 * - `author`: the asker, who also gets its tracking code and reject reason.
 * Outside `staff`, a written answer is shown only once published, and so are
 * the commitments made with it (a draft stays with the secretariat).
 */
export type Audience = 'staff' | 'panel' | 'public' | 'author';

export const isPublicStatus = (s: QuestionStatus): boolean => PUBLIC_QUESTION_STATUSES.includes(s);

const toAnswer = (a: AnswerRow): Answer => ({
  id: a.id,
  questionId: a.questionId,
  kind: a.kind,
  text: a.text,
  answeredBy: a.answeredBy ?? null,
  panelSeatId: a.panelSeatId ?? null,
  createdAt: a.createdAt,
  publishedAt: a.publishedAt ?? null,
});

const toCommitment = (c: CommitmentRow): Commitment => ({
  id: c.id,
  questionId: c.questionId,
  text: c.text,
  agency: c.agency,
  deadline: c.deadline ?? null,
  status: c.status,
  createdAt: c.createdAt,
});

/** Today's date in Vietnam, where deadlines are set. */
export const todayInVietnam = (now = new Date()): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(now);

export const toFollowUp = (f: FollowUpRow, today = todayInVietnam()): FollowUp => ({
  id: f.id,
  questionId: f.questionId,
  sessionId: f.sessionId,
  agency: f.agency,
  supportingAgencies: parseAgencyList(f.supportingAgencies),
  deadline: f.deadline,
  status: f.status,
  overdue: f.status !== 'answered' && f.deadline < today,
  publishedAt: f.publishedAt ?? null,
  createdAt: f.createdAt,
  updatedAt: f.updatedAt,
});

const EMPTY: QuestionContext = { answers: [], commitments: [], followUp: null };

/** Commitments made with a written answer that is not published yet: drafts of the secretariat. */
const draftAnswerIds = (ctx: Pick<QuestionContext, 'answers'>): Set<number> =>
  new Set(ctx.answers.filter((a) => a.publishedAt === null).map((a) => a.id));

/** The commitments anyone outside the secretariat may see: none tied to an unpublished answer. */
export function publishedCommitments(ctx: Pick<QuestionContext, 'answers' | 'commitments'>): CommitmentRow[] {
  const drafts = draftAnswerIds(ctx);
  return ctx.commitments.filter((c) => c.answerId === null || !drafts.has(c.answerId));
}

export function toQuestionView(q: QuestionWithAuthor, audience: Audience, ctx: QuestionContext = EMPTY): Question {
  const staff = audience === 'staff';
  const hideAuthor = q.anonymous && !staff;
  const drafts = staff ? null : draftAnswerIds(ctx);
  const view: Question = {
    id: q.id,
    number: q.number,
    sessionId: q.sessionId,
    text: q.text,
    status: q.status,
    anonymous: q.anonymous,
    channel: q.channel,
    venueId: q.venueId ?? null,
    authorName: hideAuthor ? null : (q.author.displayName ?? null),
    locality: hideAuthor ? null : (q.author.locality ?? null),
    group: hideAuthor ? null : (q.author.group ?? null),
    topic: q.topic ?? null,
    assignee: q.assignee ?? null,
    agency: q.agency ?? null,
    pinned: q.pinned,
    votes: q.votes,
    mergedIntoId: q.mergedIntoId ?? null,
    createdAt: q.createdAt,
    updatedAt: q.updatedAt,
    version: q.version,
    answeredAt: q.answeredAt ?? null,
    stagedAt: q.stagedAt ?? null,
    // Written answers stay with the secretariat until published.
    answers: ctx.answers.filter((a) => staff || a.publishedAt !== null).map(toAnswer),
    commitments: ctx.commitments
      .filter((c) => drafts === null || c.answerId === null || !drafts.has(c.answerId))
      .map(toCommitment),
    followUp: ctx.followUp ? toFollowUp(ctx.followUp) : null,
  };
  if (audience === 'author') {
    view.mine = true;
    view.trackingCode = q.trackingCode;
    view.rejectReason = q.rejectReason ?? null;
    view.rejectNote = q.rejectNote ?? null;
  }
  if (audience === 'panel') view.briefingNote = q.briefingNote ?? null;
  if (staff) {
    view.trackingCode = q.trackingCode;
    view.originalText = q.originalText ?? null;
    view.rejectReason = q.rejectReason ?? null;
    view.rejectNote = q.rejectNote ?? null;
    view.participantId = q.participantId;
    view.briefingNote = q.briefingNote ?? null;
    view.fieldId = q.fieldId ?? null;
    view.flags = { abusive: q.flagAbusive, duplicateOf: JSON.parse(q.duplicateOf) as number[] };
  }
  return view;
}
