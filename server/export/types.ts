import type { Authority, ConclusionTask, QuestionOutcomes, SourceCounts } from '../../shared/schemas/secretariat';
import type { CarryOver } from '../../shared/schemas/opinions-report';
import type {
  AnswerKind,
  CommitmentStatus,
  FollowUpStatus,
  ParticipantGroup,
  QuestionChannel,
  QuestionStatus,
  RejectReason,
} from '../../shared/schemas/enums';

/**
 * What the export builders take. Built by server/domain/reports from the
 * database; the builders are pure (data in, bytes or text out) and never
 * see contact details, because these types have no place for them.
 */

export interface Asker {
  anonymous: boolean;
  /** Null for anonymous questions and for askers who gave no name. */
  name: string | null;
  locality: string | null;
  group: ParticipantGroup | null;
}

export interface ExportAnswer {
  kind: AnswerKind;
  text: string;
  answeredBy: string | null;
  createdAt: string;
  publishedAt: string | null;
}

export interface ExportCommitment {
  text: string;
  agency: string;
  deadline: string | null;
  status: CommitmentStatus;
}

export interface ExportFollowUp {
  agency: string;
  supportingAgencies: string[];
  deadline: string;
  status: FollowUpStatus;
  overdue: boolean;
  publishedAt: string | null;
}

export interface ExportSession {
  id: number;
  title: string;
  audience: string;
  description: string | null;
  place: string | null;
  startsAt: string;
  startedAt: string | null;
  closedAt: string | null;
  chair: string | null;
  secretary: string | null;
  /** People in the hall as the secretary entered them. */
  attendance: number | null;
  closingRemarks: string | null;
}

/** A seat on the panel: the body text gives name, title and body; a signature gives the name alone. */
export interface Seat {
  name: string;
  title: string | null;
  agency: string | null;
}

/**
 * The per-session number of a question, the one printed in the minutes and
 * the lists. Read through `questionNumber()` in ./numbering.ts.
 */
export interface Numbered {
  sessionNumber: number;
}

/** One question taken up during the session, in the order it was taken up. */
export interface MinutesItem extends Numbered {
  questionId: number;
  asker: Asker;
  text: string;
  /** A moderator edited the wording (the original is in the question list). */
  edited: boolean;
  /** Duplicates merged into this one. */
  absorbed: Numbered[];
  /** Where it came from ("Điểm cầu huyện Sơn Dương, phát biểu tại hội trường"); null in a one-hall, phones-only session. */
  source: string | null;
  topic: string | null;
  /** Live answers only: the minutes record what was said in the hall. */
  answers: ExportAnswer[];
  commitments: ExportCommitment[];
}

export interface MinutesDeferred extends Numbered {
  questionId: number;
  asker: Asker;
  text: string;
  edited: boolean;
  source: string | null;
  topic: string | null;
  /** The lead body. */
  agency: string;
  supportingAgencies: string[];
  deadline: string;
  /** What was said in the hall before it was deferred, if anything. */
  answers: ExportAnswer[];
}

/** How the questions that were neither answered nor deferred ended, by number. */
export interface MinutesOthers {
  merged: { from: Numbered; into: Numbered | null }[];
  notReached: Numbered[];
}

export interface MinutesData {
  /** The issuing agency, e.g. "UBND TỈNH TUYÊN QUANG". */
  orgName: string;
  /** The body above it, printed above its name in the header (null: none). */
  orgParentName?: string | null;
  /** Its abbreviation in document numbers: "UBND" in "Số: …/BB-UBND". */
  orgAbbreviation: string;
  /** The place name for the date line, e.g. "Tuyên Quang". */
  placeName: string;
  session: ExportSession;
  /** Every seat in order, chair and secretary included. */
  panel: (Seat & { role: 'chair' | 'secretary' | 'member' })[];
  /** The chair's and the secretary's seats; from the session's free-text fields when no seat has the role. */
  chair: Seat | null;
  secretary: Seat | null;
  /** Phones that joined, by group: not the people in the hall (that is `session.attendance`). */
  citizens: { total: number; byGroup: { group: ParticipantGroup | null; count: number }[] };
  outcomes: QuestionOutcomes;
  items: MinutesItem[];
  deferred: MinutesDeferred[];
  others: MinutesOthers;
  /** Localities the askers of answered and deferred questions gave, for the notice's recipients. */
  localities: string[];
  /** Linked venues, with the attendance entered for each. */
  venues: { id: number; name: string; locality: string | null; attendance: number | null }[];
  /** By channel and by venue, counted as the statistics count; null in a one-hall, phones-only session. */
  sources: SourceCounts | null;
  /** "Kết quả thực hiện kết luận tại hội nghị đối thoại lần trước": only when asked for (`?carryOver=1`). */
  carryOver?: CarryOver | null;
}

/** The conclusion notice: the record of the session and what the secretariat wrote. */
export interface ConclusionsData extends MinutesData {
  conclusions: {
    subject: string;
    assessment: string;
    tasks: ConclusionTask[];
    recipients: string[];
    authority: Authority;
  };
}

/** One row of the question lists (CSV, XLSX): every question of the session. */
export interface QuestionListRow extends Numbered {
  id: number;
  trackingCode: string;
  createdAt: string;
  status: QuestionStatus;
  rejectReason: RejectReason | null;
  asker: Asker;
  topic: string | null;
  text: string;
  originalText: string | null;
  votes: number;
  mergedIntoId: number | null;
  /** The per-session number of the question it was merged into. */
  mergedIntoNumber: number | null;
  assignee: string | null;
  agency: string | null;
  answers: ExportAnswer[];
  commitments: ExportCommitment[];
  followUp: ExportFollowUp | null;
  channel: QuestionChannel;
  /** The venue's name; null: the main hall. */
  venue: string | null;
}
