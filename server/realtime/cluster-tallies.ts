import type { ClusterLink } from '../cluster/cluster';
import { Lease } from '../cluster/lease';

// KEYS[1] the session's dirty set, KEYS[2] the active sessions; ARGV[1] the session.
// Takes the questions voted on since the last round; a session with none is no longer active.
const TAKE_DIRTY = `
local ids = redis.call('SMEMBERS', KEYS[1])
if #ids == 0 then redis.call('SREM', KEYS[2], ARGV[1]); return ids end
redis.call('DEL', KEYS[1])
return ids
`;

/** What this node is to send this round: a session's tally of these questions, or (no ids) of all of them. */
export interface TallyDue {
  sessionId: number;
  ids?: number[];
}

/**
 * Cluster mode's tallies: one node at a time sends a session's `votes:tally`,
 * whichever nodes took the votes, so phones get one tally per interval.
 * Each node marks the questions it committed votes on in Redis (a set per
 * session, and the session in the set of active ones); the holder of the
 * lease `tally:<session>` takes the marks and sends their current counts,
 * read from the database after the marks (so never older than the votes
 * that made them). Counts are read rather than carried: two nodes' counts
 * of one question could arrive out of order, the database's cannot.
 *
 * A full tally (every public question) goes out when a node has just taken
 * the lease (it knows nothing of what the last holder sent) and once when a
 * session goes quiet, so that whatever a phone pieced together meanwhile
 * ends on the committed counts.
 */
export class ClusterTallies {
  private readonly lease: Lease;
  /** Sessions whose lease this node holds (released on a graceful stop, so another node takes over at once). */
  private readonly held = new Set<number>();

  constructor(
    private readonly link: ClusterLink,
    leaseTtlMs: number,
  ) {
    this.lease = new Lease(link.redis, link.nodeId, leaseTtlMs);
  }

  private k(name: string): string {
    return `${this.link.prefix}${name}`;
  }

  /** Pushes this node's marks, then takes what this node is to send. */
  async round(voted: ReadonlyMap<number, Iterable<number>>): Promise<TallyDue[]> {
    const { redis } = this.link;
    if (voted.size > 0) {
      const multi = redis.multi();
      for (const [sessionId, ids] of voted) {
        multi.sAdd(this.k(`tally:dirty:${sessionId}`), [...ids].map(String));
        multi.sAdd(this.k('tally:active'), String(sessionId));
      }
      await multi.exec();
    }
    const active = (await redis.sMembers(this.k('tally:active'))).map(Number);
    const due = await Promise.all(active.map((s) => this.sessionRound(s)));
    return due.filter((d): d is TallyDue => d !== null);
  }

  private async sessionRound(sessionId: number): Promise<TallyDue | null> {
    const state = await this.lease.hold(this.k(`tally:${sessionId}`));
    if (state === 'elsewhere') {
      this.held.delete(sessionId);
      return null;
    }
    this.held.add(sessionId);
    const ids = (await this.link.redis.eval(TAKE_DIRTY, {
      keys: [this.k(`tally:dirty:${sessionId}`), this.k('tally:active')],
      arguments: [String(sessionId)],
    })) as string[];
    if (state === 'taken' || ids.length === 0) return { sessionId };
    return { sessionId, ids: ids.map(Number) };
  }

  /** Venue desks joined on any node ("session:venue"), so that every node's messages reach them. */
  async venueDesks(): Promise<[number, number][]> {
    const members = await this.link.redis.sMembers(this.k('venue-desks'));
    return members.map((m) => m.split(':').map(Number) as [number, number]);
  }

  async venueDeskJoined(sessionId: number, venueId: number): Promise<void> {
    await this.link.redis.sAdd(this.k('venue-desks'), `${sessionId}:${venueId}`);
  }

  /** A graceful stop: the next holder need not wait for the lease to run out. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.held].map((s) => this.lease.release(this.k(`tally:${s}`))));
    this.held.clear();
  }
}
