/** Messages between the orchestrator (bench/run.ts) and its worker and floor processes, over Node IPC. */

export interface PhaseSpec {
  name: string;
  durationMs: number;
  votesPerSec: number;
  questionsPerSec: number;
  /** Pre-moderation: a submitted question is not public (not votable) until a moderator approves it. */
  questionsPending?: boolean;
  /** Approvals per second by the moderator (pre-moderation), each a broadcast to everyone. */
  approvalsPerSec?: number;
}

export type ToWorker =
  | { type: 'init'; mode: 'app' | 'raw' | 'floor'; index: number; url: string; code: string; sessionId: number; count: number; joinConcurrency: number; ackTimeoutMs: number }
  | { type: 'join' }
  | { type: 'phase'; phase: PhaseSpec; drainMs: number; knownQuestionIds: number[] }
  | { type: 'stop' };

export interface JoinReport {
  type: 'joined';
  index: number;
  joined: number;
  failed: number;
  errors: Record<string, number>;
  /** Per participant: POST /api/join round trip, and socket handshake until `connect`. */
  httpMs: number[];
  connectMs: number[];
  firstStart: number;
  lastDone: number;
}

export interface PhaseReport {
  type: 'phaseDone';
  index: number;
  phase: string;
  elapsedMs: number;
  sent: { votes: number; questions: number };
  /** Votes that found no question left to vote for (each participant votes a question once). */
  noTarget: number;
  ok: { votes: number; questions: number };
  errors: Record<string, number>;
  timeouts: number;
  voteAckMs: number[];
  questionAckMs: number[];
  /** Flattened [questionId, participantId, votesInAck, ackWallClockMs] per acknowledged vote. */
  voteAcks: number[];
  /** [questionId, participantId, clientId] per acknowledged question. */
  questionAcks: [number, number, string][];
  /** Server→client messages received by this worker's clients, by event ('ack' for acknowledgements). */
  received: Record<string, number>;
  disconnects: number;
  /** The generator's own event loop delay (ms): large values mean the generator, not the server, was late. */
  loopDelay: { p50: number; p99: number; max: number };
  /** How far the sender fell behind its schedule at worst (ms). */
  maxScheduleLagMs: number;
  /** The worker's own CPU (process.cpuUsage, user + system) and wall time over the phase. */
  cpuSeconds: number;
  wallSeconds: number;
  /** Bytes of server→client frames received (raw mode; 0 otherwise). */
  receivedBytes: number;
}

export type FromWorker = { type: 'ready'; index: number; pid: number } | JoinReport | PhaseReport | { type: 'error'; index: number; message: string };

export type ToFloor =
  | { type: 'phase'; phase: string; durationMs: number; drainMs: number; frames: [number, string][]; questionAck: string }
  | { type: 'stop' };

export type FromFloor =
  | { type: 'listening'; port: number; pid: number }
  | { type: 'phaseDone'; phase: string; broadcasts: number; deliveries: number; acks: number; connections: number };
