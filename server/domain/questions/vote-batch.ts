import type { VoteResult } from '../../../shared/events';
import type { DbPort } from '../../db/port';
import { retrying } from '../../db/retry';
import type { ParticipantActor } from '../actor';
import { holdSessionStatusOfQuestions } from '../sessions/status-lock';
import type { QuestionsRepo, VoteTarget } from './questions.repo';

/** What the service decides around the writes: whether a vote may be cast, and what follows once counted. */
export interface VoteRules {
  /** Throws the DomainError that refuses this vote (the target is locked while it is checked). */
  check(voter: ParticipantActor, target: VoteTarget | undefined, add: boolean): void;
  /** A question's count after the batch (its `votes:changed`, held by the port until the COMMIT). */
  counted(sessionId: number, questionId: number, votes: number): void;
  /** A vote that was really added (vote-surge watch). */
  added(sessionId: number, questionId: number, participantId: number): void;
}

interface Item {
  voter: ParticipantActor;
  questionId: number;
  add: boolean;
  resolve(result: VoteResult): void;
  reject(err: unknown): void;
}

/**
 * Votes on PostgreSQL, written as one set per batch and one batch at a time
 * per node: lock the counter rows in id order (FOR NO KEY UPDATE), insert
 * the votes with ON CONFLICT DO NOTHING and delete the withdrawn ones, then
 * move each counter by what was really inserted or deleted. Five statements
 * for a batch of any size, where one transaction per vote would spend a
 * round trip per statement per vote: one popular question takes thousands a
 * second without a backlog. While a batch is written the next one gathers.
 * Acks leave after the COMMIT; a batch that loses a deadlock or cannot be
 * serialised runs again whole.
 *
 * On SQLite votes keep going through the group commit (one fsync per batch,
 * each vote a cheap prepared statement on the one connection).
 */
export class PgVoteBatch {
  private queue: Item[] = [];
  private running = false;
  /** The batch being written, if any: a shutdown waits for it. */
  private idle: Promise<void> = Promise.resolve();
  private finished: () => void = () => undefined;

  constructor(
    private readonly port: DbPort,
    private readonly repo: QuestionsRepo,
    private readonly rules: VoteRules,
  ) {}

  cast(voter: ParticipantActor, questionId: number, add: boolean): Promise<VoteResult> {
    return new Promise<VoteResult>((resolve, reject) => {
      this.queue.push({ voter, questionId, add, resolve, reject });
      if (!this.running) {
        this.running = true;
        this.idle = new Promise((r) => (this.finished = r));
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves once every vote queued so far is answered. */
  flush(): Promise<void> {
    return this.running ? this.idle : Promise.resolve();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      await this.write(batch);
    }
    this.running = false;
    this.finished();
  }

  private async write(batch: Item[]): Promise<void> {
    // One person voting and un-voting one question within a batch: the second waits for the next batch, so each gets its own answer.
    const seen = new Set<string>();
    const now: Item[] = [];
    for (const item of batch) {
      const key = `${item.questionId}:${item.voter.participantId}`;
      if (seen.has(key)) this.queue.push(item);
      else (seen.add(key), now.push(item));
    }
    try {
      // A conflict that outlasts the retries rejects the batch with RetriesExhausted (the transport says SERVER_BUSY).
      const results = await retrying(this.port, () => this.port.tx(() => this.apply(now)));
      for (const [item, r] of results) 'err' in r ? item.reject(r.err) : item.resolve(r.ok);
    } catch (err) {
      for (const item of now) item.reject(err);
    }
  }

  private async apply(items: Item[]): Promise<Map<Item, { ok: VoteResult } | { err: unknown }>> {
    const results = new Map<Item, { ok: VoteResult } | { err: unknown }>();
    const questionIds = [...new Set(items.map((i) => i.questionId))];
    // First: a close of these sessions waits for this batch, or this batch reads "closed" (status-lock.ts).
    await holdSessionStatusOfQuestions(this.port, questionIds);
    const targets = await this.repo.lockVoteTargets(questionIds);
    const accepted: Item[] = [];
    for (const item of items) {
      try {
        this.rules.check(item.voter, targets.get(item.questionId), item.add);
        accepted.push(item);
      } catch (err) {
        results.set(item, { err });
      }
    }
    const adds = accepted.filter((i) => i.add);
    const removes = accepted.filter((i) => !i.add);
    const inserted = adds.length > 0 ? await this.repo.insertVotes(adds.map((i) => i.questionId), adds.map((i) => i.voter.participantId)) : [];
    const deleted = removes.length > 0 ? await this.repo.deleteVotes(removes.map((i) => i.questionId), removes.map((i) => i.voter.participantId)) : [];
    const delta = new Map<number, number>();
    for (const v of inserted) delta.set(v.q, (delta.get(v.q) ?? 0) + 1);
    for (const v of deleted) delta.set(v.q, (delta.get(v.q) ?? 0) - 1);
    const moved = [...delta].filter(([, d]) => d !== 0);
    const counts = moved.length > 0 ? await this.repo.bumpVotes(moved.map(([q]) => q), moved.map(([, d]) => d)) : new Map<number, number>();
    for (const item of accepted) {
      const votes = counts.get(item.questionId) ?? targets.get(item.questionId)!.votes;
      results.set(item, { ok: { questionId: item.questionId, votes } });
    }
    for (const [questionId, votes] of counts) this.rules.counted(targets.get(questionId)!.sessionId, questionId, votes);
    for (const v of inserted) this.rules.added(targets.get(v.q)!.sessionId, v.q, v.p);
    return results;
  }
}
