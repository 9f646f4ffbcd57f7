import type { ServerToClientEvents } from '../../shared/events';
import type { ClusterLink } from '../cluster/cluster';
import type { IoServer } from './plugin';

/**
 * Where the Broadcaster's sequence numbers come from. One node: counters in
 * memory, handed out at once. Several nodes: counters in Redis, so that a
 * phone hears one gap-detectable stream whichever node sent each message.
 */
export interface SeqCounter {
  /** The number of the next message on this stream (`key`: a session's audience or venue desk). */
  next(key: string): number;
  /** The number of the last message on this stream (what a message outside it, e.g. to the author only, is consistent with). */
  current(key: string): number;
}

export class MemorySeqs implements SeqCounter {
  private readonly seqs = new Map<string, number>();

  next(key: string): number {
    const n = (this.seqs.get(key) ?? 0) + 1;
    this.seqs.set(key, n);
    return n;
  }

  current(key: string): number {
    return this.seqs.get(key) ?? 0;
  }
}

type Event = keyof ServerToClientEvents;
type IoEmit = ReturnType<IoServer['to']>['emit'];

/** The part of Socket.IO's server the Broadcaster emits through (the server itself on one node). */
export interface RoomEmitter {
  to(room: string): RoomTarget;
}
export interface RoomTarget {
  except(room: string): RoomTarget;
  emit: IoEmit;
}

interface Recorded {
  room: string;
  except: string[];
  event: Event;
  payload: { seq?: number };
  /** The ticket the payload's `seq` held when recorded: resolved to a real number at commit. */
  ticket: number | undefined;
}

interface Batch {
  emits: Recorded[];
  /** Per stream: how many numbers this batch spends. */
  counts: Map<string, number>;
  /** Ticket → (stream, its place within this batch; 0 = the number before the batch). */
  tickets: { key: string; local: number }[];
}

const newBatch = (): Batch => ({ emits: [], counts: new Map(), tickets: [] });

/**
 * Cluster mode's counters and outbox. During a flush the Broadcaster emits
 * as on one node, but here each emit is recorded and each sequence number is
 * a ticket; `commit()` then takes the batch's numbers from Redis in one
 * MULTI (INCRBY per stream: the numbers of a batch are consecutive) and
 * sends the recorded emits, in the order they were made, with their real
 * numbers. Flushes of one node never overlap (the Broadcaster waits for one
 * to end before the next), so a node's messages leave in sequence order.
 */
export class ClusterSequencer implements SeqCounter, RoomEmitter {
  private batch: Batch = newBatch();
  /** A batch whose numbers could not be taken (Redis away): sent first at the next commit. */
  private failed: Batch | null = null;

  constructor(
    private readonly link: ClusterLink,
    private readonly io: RoomEmitter,
  ) {}

  private key(stream: string): string {
    return `${this.link.prefix}seq:${stream}`;
  }

  next(stream: string): number {
    const local = (this.batch.counts.get(stream) ?? 0) + 1;
    this.batch.counts.set(stream, local);
    return this.batch.tickets.push({ key: stream, local }) - 1;
  }

  current(stream: string): number {
    if (!this.batch.counts.has(stream)) this.batch.counts.set(stream, 0);
    return this.batch.tickets.push({ key: stream, local: this.batch.counts.get(stream)! }) - 1;
  }

  to(room: string): RoomTarget {
    const except: string[] = [];
    const target: RoomTarget = {
      except: (r) => {
        except.push(r);
        return target;
      },
      emit: ((event: Event, payload: { seq?: number }) => {
        this.batch.emits.push({ room, except, event, payload, ticket: payload.seq });
        return true;
      }) as IoEmit,
    };
    return target;
  }

  /** The number a snapshot taken now is consistent with. Read before the snapshot is built (see handlers). */
  async read(stream: string): Promise<number> {
    return Number((await this.link.redis.get(this.key(stream))) ?? 0);
  }

  /** Takes this batch's numbers and sends it. On failure the batch is kept and tried again first next time. */
  async commit(): Promise<void> {
    if (this.failed) {
      const retry = this.failed;
      this.failed = null;
      await this.send(retry);
    }
    const batch = this.batch;
    this.batch = newBatch();
    await this.send(batch);
  }

  private async send(batch: Batch): Promise<void> {
    if (batch.emits.length === 0) return;
    const streams = [...batch.counts.keys()];
    let base: Map<string, number>;
    try {
      const multi = this.link.redis.multi();
      // INCRBY 0 reads a stream this batch only refers to (a message to an author alone).
      for (const s of streams) multi.incrBy(this.key(s), batch.counts.get(s)!);
      const tops = (await multi.exec()) as unknown as number[];
      base = new Map(streams.map((s, i) => [s, Number(tops[i]) - batch.counts.get(s)!]));
    } catch (err) {
      // Nothing was sent: the numbers are taken again, the messages sent late rather than never.
      if (!this.failed) this.failed = batch;
      throw err;
    }
    for (const e of batch.emits) {
      if (e.ticket !== undefined) {
        const t = batch.tickets[e.ticket]!;
        e.payload.seq = base.get(t.key)! + t.local;
      }
      let target = this.io.to(e.room);
      for (const r of e.except) target = target.except(r);
      (target.emit as (event: Event, payload: unknown) => boolean)(e.event, e.payload);
    }
  }
}
