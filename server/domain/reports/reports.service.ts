import { attendanceTotal } from '../../../shared/attendance';
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
import { PARTICIPANT_GROUPS, PUBLIC_QUESTION_STATUSES, type Role } from '../../../shared/schemas/enums';
import type { DbPort } from '../../db/port';
import type {
  Asker,
  ExportAnswer,
  ExportCommitment,
  ExportFollowUp,
  ExportSession,
  MinutesData,
  MinutesDeferred,
  MinutesItem,
  MinutesOthers,
  QuestionListRow,
  Seat,
} from '../../export/types';
import { agencyKey, distinctAgencies, parseAgencyList } from '../agencies';
import { requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { DomainError } from '../errors';
import { isPublicStatus, publishedCommitments, todayInVietnam, toFollowUp } from '../questions/question-view';
import type { AnswerRow, CommitmentRow, FollowUpRow } from '../questions/questions.repo';
import type { QuestionsService } from '../questions/questions.service';
import type { SessionRow } from '../sessions/sessions.repo';
import type { SessionsService } from '../sessions/sessions.service';
import { countOutcomes, outcomeOf } from './outcomes';
import { countSources, type SourceQuestion } from './sources';
import { placeNameFrom } from './place-name';
import { ReportsRepo, type RecordQuestion, type SessionRecord } from './reports.repo';

/** Exports carry names and the whole record of a session: the secretariat's. */
const EXPORTERS = ['secretary', 'admin'] as const;
const PUBLIC_RECORD_SESSIONS = ['closed', 'archived'];

/**
 * The per-session number of each question: the `number` given when it was
 * asked (1, 2, 3… per session), the one said aloud, shown as # on every
 * screen and printed in the minutes, the notice and the lists.
 */
function sessionNumbers(qs: readonly RecordQuestion[]): Map<number, number> {
  return new Map(qs.map((q) => [q.id, q.number]));
}

/** "Bà Lê Thị Hạnh, Phó Chánh Văn phòng UBND tỉnh" typed in one field: the name, then the title. */
export function seatFromText(text: string | null | undefined): Seat | null {
  const t = text?.normalize('NFC').trim();
  if (!t) return null;
  const comma = t.indexOf(',');
  if (comma < 0) return { name: t, title: null, agency: null };
  return { name: t.slice(0, comma).trim(), title: t.slice(comma + 1).trim() || null, agency: null };
}

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
  return { agency: v.agency, supportingAgencies: v.supportingAgencies, deadline: v.deadline, status: v.status, overdue: v.overdue, publishedAt: v.publishedAt };
};

const toPublicAnswers = (rows: AnswerRow[]): PublicAnswer[] =>
  rows
    .filter((a): a is AnswerRow & { publishedAt: string } => a.publishedAt !== null)
    .map((a) => ({ kind: a.kind, text: a.text, answeredBy: a.answeredBy ?? null, publishedAt: a.publishedAt }));

/** Only commitments made live or with a published written answer: drafts stay with the secretariat. */
const toPublicCommitments = (ctx: { answers: AnswerRow[]; commitments: CommitmentRow[] }): PublicCommitment[] =>
  publishedCommitments(ctx).map((c) => ({ text: c.text, agency: c.agency, deadline: c.deadline ?? null, status: c.status }));

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
  attendance: s.attendance ?? null,
  closingRemarks: s.closingRemarks ?? null,
});

/** When a question was taken up, for putting the minutes in the order of the session. */
const takenUpAt = (q: RecordQuestion): string =>
  q.stagedAt ?? q.answeredAt ?? q.ctx.answers.find((a) => a.kind === 'live')?.createdAt ?? q.createdAt;

const groupRank = (g: string | null): number => (g === null ? 99 : PARTICIPANT_GROUPS.indexOf(g as (typeof PARTICIPANT_GROUPS)[number]));

const isPersonalDataRejection = (q: RecordQuestion): boolean => q.status === 'rejected' && q.rejectReason === 'personal_data';
const toSourceQuestion = (q: RecordQuestion): SourceQuestion => ({
  id: q.id,
  channel: q.channel,
  venueId: q.venueId ?? null,
  status: q.status,
  pinned: q.pinned,
  votes: q.votes,
  stagedAt: q.stagedAt ?? null,
});

const CHANNEL_SOURCE: Record<RecordQuestion['channel'], string> = {
  app: 'qua ứng dụng',
  floor: 'phát biểu tại hội trường',
  paper: 'phiếu câu hỏi',
  hotline: 'đường dây nóng',
  sms: 'tin nhắn SMS',
};

const hasLiveAnswer = (q: RecordQuestion): boolean => q.ctx.answers.some((a) => a.kind === 'live');


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
/** Who issues a session's documents: its unit (the settings' organisation when it has none). */
export interface DocumentOrg {
  name: string;
  abbreviation: string;
  /** Printed above the name in the header (Decree 30: the body it belongs to). */
  parentName: string | null;
  /** The place in the place-and-date line; null: taken from the name. */
  place: string | null;
}

export class ReportsService {
  readonly repo: ReportsRepo;

  constructor(
    private readonly port: DbPort,
    private readonly sessions: SessionsService,
    questions: QuestionsService,
    /** The issuing body on a session's documents: its organising unit (name, abbreviation, parent body, place). */
    private readonly orgOf: (sessionId: number) => Promise<DocumentOrg>,
  ) {
    this.repo = new ReportsRepo(port, sessions.repo, questions.repo);
  }

  /** The issuing body of a session's documents (no authorization: callers have checked the session). */
  async documentOrg(sessionId: number): Promise<DocumentOrg> {
    return this.orgOf(sessionId);
  }

  /** Exports carry askers' names: who took which file, and when, is on record. */
  private async auditExport(actor: Actor, sessionId: number, kind: string): Promise<void> {
    await recordAudit(this.port, actor, { action: 'export.download', entity: 'session', entityId: sessionId, sessionId, after: { kind } });
  }

  /** The session's row, or SESSION_NOT_FOUND: for the services beside this one. */
  /** Staff of `roles` assigned to the session (for the conclusions, which live beside the reports). */
  async requireEditor(actor: Actor, sessionId: number, roles: readonly Role[]): Promise<void> {
    await this.sessions.requireStaffOf(actor, sessionId, roles);
  }

  async sessionRow(sessionId: number): Promise<SessionRow> {
    return this.sessions.row(sessionId);
  }

  private async record(sessionId: number): Promise<SessionRecord> {
    return this.repo.load(await this.sessions.row(sessionId));
  }

  // ---- secretariat exports -------------------------------------------------------

  /** The minutes' data; `kind` names the file for the audit log. */
  async minutes(actor: Actor, sessionId: number, kind = 'minutes'): Promise<MinutesData> {
    await this.sessions.requireStaffOf(actor, sessionId, EXPORTERS);
    const data = await this.minutesData(sessionId);
    await this.auditExport(actor, sessionId, kind);
    return data;
  }

  /** The minutes' data without authorization or audit: for the conclusions, which check and record their own. */
  async minutesData(sessionId: number): Promise<MinutesData> {
    const r = await this.record(sessionId);
    const numberOf = sessionNumbers(r.questions);
    const num = (id: number) => ({ sessionNumber: numberOf.get(id) ?? 0 });
    const absorbed = new Map<number, number[]>();
    for (const q of r.questions) {
      if (q.status === 'merged' && q.mergedIntoId) absorbed.set(q.mergedIntoId, [...(absorbed.get(q.mergedIntoId) ?? []), q.id]);
    }
    const outcome = (q: RecordQuestion) => outcomeOf({ status: q.status, hasLiveAnswer: hasLiveAnswer(q) });
    // Where each question came from: said only when the session had more than one way in.
    const linked = r.venues.length > 0 || r.questions.some((q) => q.channel !== 'app');
    const venueName = (id: number | null) => (id === null ? 'Hội trường chính' : (r.venues.find((v) => v.id === id)?.name ?? 'Hội trường chính'));
    const source = (q: RecordQuestion): string | null =>
      linked ? (r.venues.length > 0 ? `${venueName(q.venueId ?? null)}, ${CHANNEL_SOURCE[q.channel]}` : CHANNEL_SOURCE[q.channel]) : null;
    const takenUp = r.questions.filter((q) => outcome(q) === 'answeredLive').sort((a, b) => takenUpAt(a).localeCompare(takenUpAt(b)) || a.id - b.id);
    const items: MinutesItem[] = takenUp.map((q) => ({
      ...num(q.id),
      questionId: q.id,
      asker: toAsker(q),
      text: q.text,
      edited: q.originalText != null && q.originalText !== q.text,
      absorbed: (absorbed.get(q.id) ?? []).map(num),
      source: source(q),
      topic: q.topic ?? null,
      answers: q.ctx.answers.filter((a) => a.kind === 'live').map(toExportAnswer),
      commitments: publishedCommitments(q.ctx).map(toExportCommitment),
    }));
    const deferred: MinutesDeferred[] = r.questions
      .filter((q) => q.status === 'deferred')
      .sort((a, b) => (a.ctx.followUp?.createdAt ?? a.updatedAt).localeCompare(b.ctx.followUp?.createdAt ?? b.updatedAt) || a.id - b.id)
      .map((q) => ({
        ...num(q.id),
        questionId: q.id,
        asker: toAsker(q),
        text: q.text,
        edited: q.originalText != null && q.originalText !== q.text,
        source: source(q),
        topic: q.topic ?? null,
        agency: q.ctx.followUp?.agency ?? q.agency ?? '',
        supportingAgencies: parseAgencyList(q.ctx.followUp?.supportingAgencies),
        deadline: q.ctx.followUp?.deadline ?? '',
        answers: q.ctx.answers.filter((a) => a.kind === 'live').map(toExportAnswer),
      }));
    const others: MinutesOthers = {
      merged: r.questions
        .filter((q) => q.status === 'merged')
        .map((q) => ({ from: num(q.id), into: q.mergedIntoId && numberOf.has(q.mergedIntoId) ? num(q.mergedIntoId) : null })),
      notReached: r.questions.filter((q) => outcome(q) === 'notReached').map((q) => num(q.id)),
    };
    const panel = r.panel.map((p) => ({ name: p.name, title: p.title ?? null, agency: p.agency ?? null, role: p.role }));
    /**
     * The seat with the role; failing that (sessions set up before seats had
     * roles), the seat named in the session's free-text field, which then
     * takes the role; failing that, the free text itself.
     */
    const seat = (role: 'chair' | 'secretary', text: string | null | undefined): Seat | null => {
      const fromText = seatFromText(text);
      const p =
        panel.find((x) => x.role === role) ??
        (fromText ? panel.find((x) => x.role === 'member' && agencyKey(x.name) === agencyKey(fromText.name)) : undefined);
      if (!p) return fromText;
      p.role = role;
      return { name: p.name, title: p.title, agency: p.agency };
    };
    const chair = seat('chair', r.session.chair);
    const secretary = seat('secretary', r.session.secretary);
    const localities = distinctAgencies(
      [...takenUp, ...r.questions.filter((q) => q.status === 'deferred')]
        .filter((q) => !q.anonymous)
        .map((q) => q.author.locality ?? ''),
    );
    const org = await this.orgOf(r.session.id);
    return {
      orgName: org.name,
      orgParentName: org.parentName,
      orgAbbreviation: org.abbreviation,
      placeName: org.place ?? placeNameFrom(org.name),
      session: toExportSession(r.session),
      panel,
      chair,
      secretary,
      citizens: {
        total: r.participants.total,
        // The groups in their usual order, "unknown" last.
        byGroup: [...r.participants.byGroup].sort((a, b) => groupRank(a.group) - groupRank(b.group)),
      },
      outcomes: countOutcomes(r.questions.map((q) => ({ status: q.status, rejectReason: q.rejectReason, hasLiveAnswer: hasLiveAnswer(q) }))),
      items,
      deferred,
      others,
      localities,
      venues: r.venues.map((v) => ({ id: v.id, name: v.name, locality: v.locality ?? null, attendance: v.attendance ?? null })),
      sources: linked ? countSources(r.questions.map(toSourceQuestion), r.venues) : null,
    };
  }

  async questionList(actor: Actor, sessionId: number, kind = 'questions'): Promise<{ session: ExportSession; rows: QuestionListRow[] }> {
    await this.sessions.requireStaffOf(actor, sessionId, EXPORTERS);
    const r = await this.record(sessionId);
    await this.auditExport(actor, sessionId, kind);
    const today = todayInVietnam();
    const numberOf = sessionNumbers(r.questions);
    return {
      session: toExportSession(r.session),
      rows: r.questions.map((q) => ({
        sessionNumber: numberOf.get(q.id) ?? 0,
        id: q.id,
        trackingCode: q.trackingCode,
        createdAt: q.createdAt,
        status: q.status,
        rejectReason: q.rejectReason ?? null,
        asker: toAsker(q),
        topic: q.topic ?? null,
        // Rejected because it holds personal data: the file never carries that text.
        text: isPersonalDataRejection(q) ? '' : q.text,
        originalText: isPersonalDataRejection(q) ? null : (q.originalText ?? null),
        votes: q.votes,
        mergedIntoId: q.mergedIntoId ?? null,
        mergedIntoNumber: q.mergedIntoId ? (numberOf.get(q.mergedIntoId) ?? null) : null,
        assignee: q.assignee ?? null,
        agency: q.agency ?? null,
        answers: q.ctx.answers.map(toExportAnswer),
        commitments: q.ctx.commitments.map(toExportCommitment),
        followUp: q.ctx.followUp ? toExportFollowUp(q.ctx.followUp, today) : null,
        channel: q.channel,
        venue: q.venueId ? (r.venues.find((v) => v.id === q.venueId)?.name ?? null) : null,
      })),
    };
  }

  // ---- statistics ------------------------------------------------------------------

  async stats(actor: Actor, sessionId: number): Promise<SessionStats> {
    await this.sessions.requireStaffOf(actor, sessionId);
    const r = await this.record(sessionId);
    const qs = r.questions;
    const byStatus: Record<string, number> = {};
    for (const q of qs) byStatus[q.status] = (byStatus[q.status] ?? 0) + 1;
    const outcomes = countOutcomes(qs.map((q) => ({ status: q.status, rejectReason: q.rejectReason, hasLiveAnswer: hasLiveAnswer(q) })));
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
      // An anonymous asker is "not said" here too: a locality with one
      // question would otherwise point at the person who asked it.
      byGroup: countBy(qs.map((q) => (q.anonymous ? null : q.author.group))),
      byTopic: countBy(qs.map((q) => q.topic ?? null)),
      // An anonymous asker is "not said" here too: a locality with one
      // question would otherwise point at the person who asked it.
      byLocality: countBy(qs.map((q) => (q.anonymous ? null : q.author.locality?.trim() || null))),
      takenUpLive: outcomes.answeredLive,
      deferred: outcomes.deferred,
      rejected: outcomes.rejected,
      merged: outcomes.merged,
      withdrawn: outcomes.withdrawn,
      followUps: {
        total: followUps.length,
        published: published.length,
        overdue: followUps.filter((f) => toFollowUp(f, today).overdue).length,
        medianSecondsToWrittenAnswer: median(durations),
      },
      outcomes,
      attendance: r.session.attendance ?? null,
      attendanceTotal: attendanceTotal(r.session.attendance ?? null, r.venues.map((v) => ({ id: v.id, attendance: v.attendance ?? null }))).total,
      sources: countSources(qs.map(toSourceQuestion), r.venues),
    };
  }

  // ---- public ----------------------------------------------------------------------

  async publicSessions(): Promise<PublicSessionSummary[]> {
    return (await this.repo.publicSessions(PUBLIC_QUESTION_STATUSES)).map(({ session: s, questionCount }) => ({
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
  async publicRecord(sessionId: number): Promise<PublicSessionRecord> {
    const session = await this.sessions.repo.byId(sessionId);
    if (!session) throw new DomainError('SESSION_NOT_FOUND');
    if (!PUBLIC_RECORD_SESSIONS.includes(session.status)) {
      throw new DomainError('SESSION_NOT_PUBLIC', 'the public record appears once the session is closed');
    }
    const r = await this.repo.load(session);
    const today = todayInVietnam();
    const shown: PublicQuestion[] = r.questions
      .filter((q) => isPublicStatus(q.status))
      .map((q) => ({
        id: q.id,
        text: q.text,
        status: q.status,
        topic: q.topic ?? null,
        votes: q.votes,
        // Where it was asked is not who asked: shown for anonymous questions too.
        channel: q.channel,
        venue: q.venueId ? (r.venues.find((v) => v.id === q.venueId)?.name ?? null) : null,
        answers: toPublicAnswers(q.ctx.answers),
        commitments: toPublicCommitments(q.ctx),
        followUp: toPublicFollowUp(q.ctx.followUp, today),
      }));
    // Counted by the same rule as the minutes and the statistics.
    const o = countOutcomes(r.questions.map((q) => ({ status: q.status, rejectReason: q.rejectReason, hasLiveAnswer: hasLiveAnswer(q) })));
    // The public record names the chair and the panel, not the secretary (neither the field nor the seat).
    const { secretary: _secretary, attendance: _attendance, closingRemarks: _remarks, ...header } = toExportSession(session);
    return {
      session: {
        ...header,
        status: session.status,
        panel: r.panel.filter((p) => p.role !== 'secretary').map((p) => ({ name: p.name, title: p.title ?? null, agency: p.agency ?? null })),
      },
      venues: r.venues.map((v) => ({ name: v.name, locality: v.locality ?? null })),
      questions: shown,
      notShown: { rejected: o.rejected, merged: o.merged, withdrawn: o.withdrawn, pending: o.notModerated },
    };
  }

  /**
   * What the holder of a tracking code sees: the question and its published
   * answers. Never who asked, so a code that is passed around or guessed
   * gives nothing personal away.
   */
  async track(code: string): Promise<TrackResult> {
    const id = await this.repo.questionIdByTrackingCode(normalizeTrackingCode(code));
    if (id === undefined) throw new DomainError('NOT_FOUND', 'no question with this tracking code');
    const q = await this.questionsRecord(id);
    const session = await this.sessions.row(q.sessionId);
    const today = todayInVietnam();
    let mergedInto: TrackResult['mergedInto'] = null;
    if (q.status === 'merged' && q.mergedIntoId) {
      const target = await this.questionsRecord(q.mergedIntoId);
      mergedInto = {
        text: target.text,
        status: target.status,
        answers: toPublicAnswers(target.ctx.answers),
        commitments: toPublicCommitments(target.ctx),
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
      commitments: toPublicCommitments(q.ctx),
      followUp: toPublicFollowUp(q.ctx.followUp, today),
      mergedInto,
    };
  }

  private async questionsRecord(id: number): Promise<RecordQuestion> {
    const q = await this.repo.questionWithContext(id);
    if (!q) throw new DomainError('QUESTION_NOT_FOUND');
    return q;
  }
}
