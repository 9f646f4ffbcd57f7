import type { ErrorCode } from './errors';
import type { Question, Session } from './schemas/entities';
import type { ModeratePayload, SubmitQuestionPayload } from './schemas/requests';

/** Every client→server event is acknowledged with one of these. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };
export type AckFn<T> = (response: Ack<T>) => void;

export interface VoteResult {
  questionId: number;
  votes: number;
}

/** What `session:join` returns: everything needed to (re)build a view. */
export interface SessionSnapshot {
  session: Session;
  questions: Question[];
  stage: number | null;
  seq: number;
  /** Ids of the questions this participant has voted for (participants only). */
  myVotes?: number[];
  /** The linked venue this participant joined by (participants only; null: the main hall). */
  venue?: { id: number; name: string } | null;
}

export interface ClientToServerEvents {
  /** `as: 'display'`: the big screen's view (never an anonymous asker's identity). */
  'session:join': (payload: { sessionId: number; as?: 'display' }, ack: AckFn<SessionSnapshot>) => void;
  'session:leave': (payload: { sessionId: number }, ack: AckFn<null>) => void;
  'question:submit': (payload: SubmitQuestionPayload, ack: AckFn<Question>) => void;
  'question:vote': (payload: { questionId: number }, ack: AckFn<VoteResult>) => void;
  'question:unvote': (payload: { questionId: number }, ack: AckFn<VoteResult>) => void;
  'question:moderate': (payload: ModeratePayload, ack: AckFn<Question>) => void;
  /** The author takes back their own question. */
  'question:withdraw': (payload: { questionId: number }, ack: AckFn<Question>) => void;
}

export type Sequenced<T> = T & { seq: number };

export interface VotesTally {
  sessionId: number;
  seq: number;
  votes: Record<string, number>;
}

export interface StageChanged {
  sessionId: number;
  seq: number;
  questionId: number | null;
}

export interface ServerToClientEvents {
  'question:created': (question: Sequenced<Question>) => void;
  'question:updated': (question: Sequenced<Question>) => void;
  'votes:tally': (tally: VotesTally) => void;
  'stage:changed': (change: StageChanged) => void;
  'session:updated': (session: Sequenced<Session>) => void;
  /** Staff only: something a moderator should look at (not part of the sequenced state). */
  'moderation:alert': (alert: ModerationAlert) => void;
}

/** Many participants who had only just joined voted for one question within seconds. */
export interface ModerationAlert {
  kind: 'vote_surge';
  sessionId: number;
  questionId: number;
  newVoters: number;
  windowSeconds: number;
  at: string;
}

/** Data the server keeps on each socket (typed for Socket.IO's generics). */
export interface SocketData {
  kind: 'staff' | 'participant';
  userId?: number;
  participantId?: number;
  sessionId?: number;
  role?: string;
  expiresAt: number;
  /** The staff user's token version when the socket was opened (see users.token_version). */
  tokenVersion?: number;
}
