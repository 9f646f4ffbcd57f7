import type {
  AnswerKind,
  CommitmentStatus,
  FollowUpStatus,
  ParticipantGroup,
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
}

/** One question taken up during the session, in the order it was taken up. */
export interface MinutesItem {
  number: number;
  questionId: number;
  asker: Asker;
  text: string;
  topic: string | null;
  /** Live answers only: the minutes record what was said in the hall. */
  answers: ExportAnswer[];
  commitments: ExportCommitment[];
}

export interface MinutesDeferred {
  number: number;
  questionId: number;
  asker: Asker;
  text: string;
  agency: string;
  deadline: string;
}

export interface MinutesData {
  /** The issuing agency, e.g. "UBND TỈNH TUYÊN QUANG". */
  orgName: string;
  /** The place name for the date line, e.g. "Tuyên Quang". */
  placeName: string;
  session: ExportSession;
  panel: { name: string; title: string | null; agency: string | null }[];
  citizens: { total: number; byGroup: { group: ParticipantGroup | null; count: number }[] };
  questionCounts: { received: number; takenUp: number; deferred: number };
  items: MinutesItem[];
  deferred: MinutesDeferred[];
}

/** One row of the question lists (CSV, XLSX): every question of the session. */
export interface QuestionListRow {
  number: number;
  id: number;
  createdAt: string;
  status: QuestionStatus;
  rejectReason: RejectReason | null;
  asker: Asker;
  topic: string | null;
  text: string;
  originalText: string | null;
  votes: number;
  mergedIntoId: number | null;
  assignee: string | null;
  agency: string | null;
  answers: ExportAnswer[];
  commitments: ExportCommitment[];
  followUp: ExportFollowUp | null;
}
