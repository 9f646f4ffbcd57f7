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
}

export interface ClientToServerEvents {
  'session:join': (payload: { sessionId: number }, ack: AckFn<SessionSnapshot>) => void;
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
}

/** Data the server keeps on each socket (typed for Socket.IO's generics). */
export interface SocketData {
  kind: 'staff' | 'participant';
  userId?: number;
  participantId?: number;
  sessionId?: number;
  role?: string;
  expiresAt: number;
}
