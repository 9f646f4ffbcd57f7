import type {
  CountEntry,
  PublicAnswer,
  PublicCommitment,
  PublicFollowUp,
  PublicQuestion,
  PublicSessionRecord,
  PublicSessionSummary,
  SessionStats,
  TrackResult,
} from '../../../shared/schemas/secretariat';
import { PARTICIPANT_GROUPS, PUBLIC_QUESTION_STATUSES, REJECT_REASONS, type QuestionStatus, type RejectReason } from '../../../shared/schemas/enums';
import type { Db } from '../../db/client';
import type {
  Asker,
  ExportAnswer,
  ExportCommitment,
  ExportFollowUp,
  ExportSession,
  MinutesData,
  MinutesDeferred,
  MinutesItem,
  QuestionListRow,
} from '../../export/types';
import { requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { DomainError } from '../errors';
import { isPublicStatus, todayInVietnam, toFollowUp } from '../questions/question-view';
import type { AnswerRow, CommitmentRow, FollowUpRow } from '../questions/questions.repo';
import type { QuestionsService } from '../questions/questions.service';
import type { SessionRow } from '../sessions/sessions.repo';
import type { SessionsService } from '../sessions/sessions.service';
import { placeNameFrom } from './place-name';
import { ReportsRepo, type RecordQuestion, type SessionRecord } from './reports.repo';

/** Exports carry names and the whole record of a session: the secretariat's. */
const EXPORTERS = ['secretary', 'admin'] as const;
const PUBLIC_RECORD_SESSIONS = ['closed', 'archived'];

const zeroReasons = (): Record<RejectReason, number> =>
  Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;

/** Tracking codes are read off paper or typed on phones: case, spaces and dashes do not matter. */
export const normalizeTrackingCode = (code: string): string => code.toUpperCase().replace(/[\s-]+/g, '');

const toAsker = (q: RecordQuestion): Asker =>
  q.anonymous
    ? { anonymous: true, name: null, locality: null, group: null }
    : { anonymous: false, name: q.author.displayName, locality: q.author.locality, group: q.author.group };

const toExportAnswer = (a: AnswerRow): ExportAnswer => ({
  kind: a.kind,
  text: a.text,
  answeredBy: a.answeredBy ?? null,
  createdAt: a.createdAt,
  publishedAt: a.publishedAt ?? null,
});

const toExportCommitment = (c: CommitmentRow): ExportCommitment => ({
  text: c.text,
  agency: c.agency,
  deadline: c.deadline ?? null,
  status: c.status,
});

const toExportFollowUp = (f: FollowUpRow, today: string): ExportFollowUp => {
  const v = toFollowUp(f, today);
  return { agency: v.agency, deadline: v.deadline, status: v.status, overdue: v.overdue, publishedAt: v.publishedAt };
};

const toPublicAnswers = (rows: AnswerRow[]): PublicAnswer[] =>
  rows
    .filter((a): a is AnswerRow & { publishedAt: string } => a.publishedAt !== null)
    .map((a) => ({ kind: a.kind, text: a.text, answeredBy: a.answeredBy ?? null, publishedAt: a.publishedAt }));

const toPublicCommitments = (rows: CommitmentRow[]): PublicCommitment[] =>
  rows.map((c) => ({ text: c.text, agency: c.agency, deadline: c.deadline ?? null, status: c.status }));

const toPublicFollowUp = (f: FollowUpRow | null, today: string): PublicFollowUp | null => (f ? toExportFollowUp(f, today) : null);

const toExportSession = (s: SessionRow): ExportSession => ({
  id: s.id,
  title: s.title,
  audience: s.audience,
  description: s.description ?? null,
  place: s.place ?? null,
  startsAt: s.startsAt,
  startedAt: s.startedAt ?? null,
  closedAt: s.closedAt ?? null,
  chair: s.chair ?? null,
  secretary: s.secretary ?? null,
});

/** When a question was taken up, for putting the minutes in the order of the session. */
const takenUpAt = (q: RecordQuestion): string =>
  q.stagedAt ?? q.answeredAt ?? q.ctx.answers.find((a) => a.kind === 'live')?.createdAt ?? q.createdAt;

const groupRank = (g: string | null): number => (g === null ? 99 : PARTICIPANT_GROUPS.indexOf(g as (typeof PARTICIPANT_GROUPS)[number]));

const hasLiveAnswer = (q: RecordQuestion): boolean => q.ctx.answers.some((a) => a.kind === 'live');

/** Taken up in the hall: answered, on stage when the session ended, or given a live answer. */
const isTakenUp = (q: RecordQuestion): boolean =>
  q.status === 'answered' || q.status === 'on_stage' || (q.status === 'approved' && hasLiveAnswer(q));

function countBy(items: readonly (string | null)[]): CountEntry[] {
  const m = new Map<string | null, number>();
  for (const k of items) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m]
    .map(([key, count]) => ({ key, count }))
    // Largest first; "not said" last, whatever its size, so the chart reads at a glance.
    .sort((a, b) => Number(a.key === null) - Number(b.key === null) || b.count - a.count || (a.key ?? '').localeCompare(b.key ?? '', 'vi'));
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Read models of the secretariat and the public: the minutes' data, the
 * question lists, statistics, the public record and tracking. Nothing here
 * writes, and nothing here returns contact details.
 */
export class ReportsService {
  readonly repo: ReportsRepo;

  constructor(
    private readonly db: Db,
    private readonly sessions: SessionsService,
    questions: QuestionsService,
    private readonly orgName: string,
  ) {
    this.repo = new ReportsRepo(db, sessions.repo, questions.repo);
  }

  /** Exports carry askers' names: who took which file, and when, is on record. */
  private auditExport(actor: Actor, sessionId: number, kind: string): void {
    recordAudit(this.db, actor, { action: 'export.download', entity: 'session', entityId: sessionId, sessionId, after: { kind } });
  }

  private record(sessionId: number): SessionRecord {
    return this.repo.load(this.sessions.row(sessionId));
  }

  // ---- secretariat exports -------------------------------------------------------

  /** The minutes' data (also behind the conclusion notice); `kind` names the file for the audit log. */
  minutes(actor: Actor, sessionId: number, kind = 'minutes'): MinutesData {
    requireStaff(actor, EXPORTERS);
    const r = this.record(sessionId);
    this.auditExport(actor, sessionId, kind);
    const takenUp = r.questions.filter(isTakenUp).sort((a, b) => takenUpAt(a).localeCompare(takenUpAt(b)) || a.id - b.id);
    const items: MinutesItem[] = takenUp.map((q, i) => ({
      number: i + 1,
      questionId: q.id,
      asker: toAsker(q),
      text: q.text,
      topic: q.topic ?? null,
      answers: q.ctx.answers.filter((a) => a.kind === 'live').map(toExportAnswer),
      commitments: q.ctx.commitments.map(toExportCommitment),
    }));
    const deferred: MinutesDeferred[] = r.questions
      .filter((q) => q.status === 'deferred')
      .sort((a, b) => (a.ctx.followUp?.createdAt ?? a.updatedAt).localeCompare(b.ctx.followUp?.createdAt ?? b.updatedAt) || a.id - b.id)
      .map((q, i) => ({
        number: i + 1,
        questionId: q.id,
        asker: toAsker(q),
        text: q.text,
        agency: q.ctx.followUp?.agency ?? q.agency ?? '',
        deadline: q.ctx.followUp?.deadline ?? '',
      }));
    return {
      orgName: this.orgName,
      placeName: placeNameFrom(this.orgName),
      session: toExportSession(r.session),
      panel: r.panel.map((p) => ({ name: p.name, title: p.title ?? null, agency: p.agency ?? null })),
      citizens: {
        total: r.participants.total,
        // The groups in their usual order, "unknown" last.
        byGroup: [...r.participants.byGroup].sort((a, b) => groupRank(a.group) - groupRank(b.group)),
      },
      questionCounts: {
        received: r.questions.filter((q) => q.status !== 'withdrawn').length,
        takenUp: items.length,
        deferred: deferred.length,
      },
      items,
      deferred,
    };
  }

  questionList(actor: Actor, sessionId: number, kind = 'questions'): { session: ExportSession; rows: QuestionListRow[] } {
    requireStaff(actor, EXPORTERS);
    const r = this.record(sessionId);
    this.auditExport(actor, sessionId, kind);
    const today = todayInVietnam();
    return {
      session: toExportSession(r.session),
      rows: r.questions.map((q, i) => ({
        number: i + 1,
        id: q.id,
        createdAt: q.createdAt,
        status: q.status,
        rejectReason: q.rejectReason ?? null,
        asker: toAsker(q),
        topic: q.topic ?? null,
        text: q.text,
        originalText: q.originalText ?? null,
        votes: q.votes,
        mergedIntoId: q.mergedIntoId ?? null,
        assignee: q.assignee ?? null,
        agency: q.agency ?? null,
        answers: q.ctx.answers.map(toExportAnswer),
        commitments: q.ctx.commitments.map(toExportCommitment),
        followUp: q.ctx.followUp ? toExportFollowUp(q.ctx.followUp, today) : null,
      })),
    };
  }

  // ---- statistics ------------------------------------------------------------------

  stats(actor: Actor, sessionId: number): SessionStats {
    requireStaff(actor);
    const r = this.record(sessionId);
    const qs = r.questions;
    const byStatus: Record<string, number> = {};
    const rejectedByReason = zeroReasons();
    for (const q of qs) {
      byStatus[q.status] = (byStatus[q.status] ?? 0) + 1;
      if (q.status === 'rejected') rejectedByReason[q.rejectReason ?? 'other'] += 1;
    }
    const count = (s: QuestionStatus) => byStatus[s] ?? 0;
    const today = todayInVietnam();
    const followUps = qs.map((q) => q.ctx.followUp).filter((f): f is FollowUpRow => f !== null);
    const published = followUps.filter((f): f is FollowUpRow & { publishedAt: string } => f.publishedAt !== null);
    const durations = published.map((f) => (Date.parse(f.publishedAt) - Date.parse(f.createdAt)) / 1000).filter((s) => s >= 0);
    return {
      sessionId,
      participants: r.participants.total,
      questions: qs.length,
      votes: qs.reduce((n, q) => n + (q.status === 'merged' ? 0 : q.votes), 0),
      byStatus,
      byGroup: countBy(qs.map((q) => q.author.group)),
      byTopic: countBy(qs.map((q) => q.topic ?? null)),
      byLocality: countBy(qs.map((q) => q.author.locality?.trim() || null)),
      takenUpLive: qs.filter((q) => q.status === 'answered' || (hasLiveAnswer(q) && q.status !== 'merged')).length,
      deferred: count('deferred'),
      rejected: { total: count('rejected'), byReason: rejectedByReason },
      merged: count('merged'),
      withdrawn: count('withdrawn'),
      followUps: {
        total: followUps.length,
        published: published.length,
        overdue: followUps.filter((f) => toFollowUp(f, today).overdue).length,
        medianSecondsToWrittenAnswer: median(durations),
      },
    };
  }

  // ---- public ----------------------------------------------------------------------

  publicSessions(): PublicSessionSummary[] {
    return this.repo.publicSessions(PUBLIC_QUESTION_STATUSES).map(({ session: s, questionCount }) => ({
      id: s.id,
      title: s.title,
      audience: s.audience,
      place: s.place ?? null,
      startsAt: s.startsAt,
      closedAt: s.closedAt ?? null,
      status: s.status,
      questionCount,
    }));
  }

  /**
   * The public record of a closed session: the questions the public saw, with
   * their published answers, and counts of everything else by reason. No
   * asker is named, not even those who gave a name in the hall: the record is
   * open to anyone, for good.
   */
  publicRecord(sessionId: number): PublicSessionRecord {
    const session = this.sessions.repo.byId(sessionId);
    if (!session) throw new DomainError('SESSION_NOT_FOUND');
    if (!PUBLIC_RECORD_SESSIONS.includes(session.status)) {
      throw new DomainError('SESSION_NOT_PUBLIC', 'the public record appears once the session is closed');
    }
    const r = this.repo.load(session);
    const today = todayInVietnam();
    const byReason = zeroReasons();
    let rejected = 0;
    let merged = 0;
    let withdrawn = 0;
    let pending = 0;
    const shown: PublicQuestion[] = [];
    for (const q of r.questions) {
      if (isPublicStatus(q.status)) {
        shown.push({
          id: q.id,
          text: q.text,
          status: q.status,
          topic: q.topic ?? null,
          votes: q.votes,
          answers: toPublicAnswers(q.ctx.answers),
          commitments: toPublicCommitments(q.ctx.commitments),
          followUp: toPublicFollowUp(q.ctx.followUp, today),
        });
      } else if (q.status === 'rejected') {
        rejected += 1;
        byReason[q.rejectReason ?? 'other'] += 1;
      } else if (q.status === 'merged') merged += 1;
      else if (q.status === 'withdrawn') withdrawn += 1;
      else if (q.status === 'pending') pending += 1;
    }
    // The public record names the chair and the panel, not the secretary.
    const { secretary: _secretary, ...header } = toExportSession(session);
    return {
      session: {
        ...header,
        status: session.status,
        panel: r.panel.map((p) => ({ name: p.name, title: p.title ?? null, agency: p.agency ?? null })),
      },
      questions: shown,
      notShown: { rejected: { total: rejected, byReason }, merged, withdrawn, pending },
    };
  }

  /**
   * What the holder of a tracking code sees: the question and its published
   * answers. Never who asked, so a code that is passed around or guessed
   * gives nothing personal away.
   */
  track(code: string): TrackResult {
    const id = this.repo.questionIdByTrackingCode(normalizeTrackingCode(code));
    if (id === undefined) throw new DomainError('NOT_FOUND', 'no question with this tracking code');
    const q = this.questionsRecord(id);
    const session = this.sessions.row(q.sessionId);
    const today = todayInVietnam();
    let mergedInto: TrackResult['mergedInto'] = null;
    if (q.status === 'merged' && q.mergedIntoId) {
      const target = this.questionsRecord(q.mergedIntoId);
      mergedInto = {
        text: target.text,
        status: target.status,
        answers: toPublicAnswers(target.ctx.answers),
        commitments: toPublicCommitments(target.ctx.commitments),
        followUp: toPublicFollowUp(target.ctx.followUp, today),
      };
    }
    const redacted = q.status === 'rejected' && q.rejectReason === 'personal_data';
    return {
      status: q.status,
      question: {
        text: redacted ? null : q.text,
        topic: q.topic ?? null,
        agency: q.agency ?? null,
        createdAt: q.createdAt,
        answeredAt: q.answeredAt ?? null,
        rejectReason: q.status === 'rejected' ? (q.rejectReason ?? null) : null,
      },
      session: { id: session.id, title: session.title, status: session.status, startsAt: session.startsAt },
      answers: toPublicAnswers(q.ctx.answers),
      commitments: toPublicCommitments(q.ctx.commitments),
      followUp: toPublicFollowUp(q.ctx.followUp, today),
      mergedInto,
    };
  }

  private questionsRecord(id: number): RecordQuestion {
    const q = this.repo.questionWithContext(id);
    if (!q) throw new DomainError('QUESTION_NOT_FOUND');
    return q;
  }
}
