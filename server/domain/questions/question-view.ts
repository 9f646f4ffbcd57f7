import type { Answer, Commitment, FollowUp, Question } from '../../../shared/schemas/entities';
import { PUBLIC_QUESTION_STATUSES, type QuestionStatus } from '../../../shared/schemas/enums';
import type { AnswerRow, CommitmentRow, FollowUpRow, QuestionContext, QuestionWithAuthor } from './questions.repo';

/**
 * Who a question is shaped for. The public never sees pending or rejected
 * questions of others, anyone's contact, or an anonymous author's identity;
 * the author also gets its tracking code; staff get everything but contact.
 */
export type Audience = 'staff' | 'public' | 'author';

export const isPublicStatus = (s: QuestionStatus): boolean => PUBLIC_QUESTION_STATUSES.includes(s);

const toAnswer = (a: AnswerRow): Answer => ({
  id: a.id,
  questionId: a.questionId,
  kind: a.kind,
  text: a.text,
  answeredBy: a.answeredBy ?? null,
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
  deadline: f.deadline,
  status: f.status,
  overdue: f.status !== 'answered' && f.deadline < today,
  publishedAt: f.publishedAt ?? null,
  createdAt: f.createdAt,
  updatedAt: f.updatedAt,
});

const EMPTY: QuestionContext = { answers: [], commitments: [], followUp: null };

export function toQuestionView(q: QuestionWithAuthor, audience: Audience, ctx: QuestionContext = EMPTY): Question {
  const staff = audience === 'staff';
  const hideAuthor = q.anonymous && !staff;
  const view: Question = {
    id: q.id,
    sessionId: q.sessionId,
    text: q.text,
    status: q.status,
    anonymous: q.anonymous,
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
    answeredAt: q.answeredAt ?? null,
    // Written answers stay with the secretariat until published.
    answers: ctx.answers.filter((a) => staff || a.publishedAt !== null).map(toAnswer),
    commitments: ctx.commitments.map(toCommitment),
    followUp: ctx.followUp ? toFollowUp(ctx.followUp) : null,
  };
  if (audience === 'author') {
    view.mine = true;
    view.trackingCode = q.trackingCode;
    view.rejectReason = q.rejectReason ?? null;
  }
  if (staff) {
    view.trackingCode = q.trackingCode;
    view.originalText = q.originalText ?? null;
    view.rejectReason = q.rejectReason ?? null;
    view.participantId = q.participantId;
    view.briefingNote = q.briefingNote ?? null;
    view.flags = { abusive: q.flagAbusive, duplicateOf: JSON.parse(q.duplicateOf) as number[] };
  }
  return view;
}
