import type { Question } from '../../../shared/schemas/entities';
import type { DomainEvents } from '../events';

/** The shared part of a session's snapshot for one audience. */
export interface SharedSnapshot {
  questions: Question[];
  byId: Map<number, Question>;
  /** The state it was built at, when the caller names one (cluster mode: the audience's sequence number in Redis). */
  version?: string;
}

/**
 * Snapshots built once per state of a session and shared by every
 * `session:join` until the state changes, instead of one full build per
 * request (20 sockets × 90 joins used to build 1,800 copies). A question,
 * stage or session change drops the session's entries; a vote patches the
 * count in place, so a vote storm does not throw the cache away.
 * The objects are shared: callers serialise them and never change them.
 */
/** The desk, the panel (leaders, big screens) and the public each share one snapshot. */
export type SnapshotAudience = 'staff' | 'panel' | 'public';

export class SnapshotCache {
  private readonly entries = new Map<number, Partial<Record<SnapshotAudience, SharedSnapshot>>>();
  /** Builds and cache hits, for tests and the operations figures. */
  readonly stats = { builds: 0, hits: 0 };

  /**
   * Changes seen per session (any event above). A build reads across awaits:
   * a change that lands meanwhile may be missing from what it read, so such
   * a build serves its caller but is not kept for the next ones.
   */
  private readonly changes = new Map<number, number>();
  /** Builds under way, by session and audience, with the change count they started at. */
  private readonly building = new Map<string, { promise: Promise<SharedSnapshot>; at: number }>();

  constructor(events: DomainEvents) {
    const changed = (sessionId: number) => this.changes.set(sessionId, (this.changes.get(sessionId) ?? 0) + 1);
    const drop = (e: { sessionId: number }) => {
      changed(e.sessionId);
      this.entries.delete(e.sessionId);
    };
    events.on('question:changed', drop);
    events.on('stage:changed', drop);
    events.on('session:changed', drop);
    events.on('votes:changed', (e) => {
      changed(e.sessionId);
      const entry = this.entries.get(e.sessionId);
      if (!entry) return;
      for (const shared of [entry.staff, entry.panel, entry.public]) {
        const q = shared?.byId.get(e.questionId);
        if (q) q.votes = e.votes;
      }
    });
  }

  /**
   * A hit is returned as it is; a miss is built (reading the database) and
   * kept if nothing changed meanwhile. `version`: in cluster mode other
   * nodes change the session without this node's events ever dropping the
   * entry; an entry then serves only the state (sequence number) it was
   * built at.
   */
  get(sessionId: number, audience: SnapshotAudience, build: () => Promise<Question[]>, version?: string): SharedSnapshot | Promise<SharedSnapshot> {
    const cached = this.entries.get(sessionId)?.[audience];
    if (cached && cached.version === version) {
      this.stats.hits++;
      return cached;
    }
    // Joins arriving together (a hall reconnecting) share the build under way, if nothing changed since it began.
    const key = `${sessionId}:${audience}:${version ?? ''}`;
    const running = this.building.get(key);
    if (running && running.at === (this.changes.get(sessionId) ?? 0)) {
      this.stats.hits++;
      return running.promise;
    }
    this.stats.builds++;
    const promise = this.build(sessionId, audience, build, version);
    const mine = { promise, at: this.changes.get(sessionId) ?? 0 };
    this.building.set(key, mine);
    const done = () => {
      if (this.building.get(key) === mine) this.building.delete(key);
    };
    promise.then(done, done);
    return promise;
  }

  private async build(sessionId: number, audience: SnapshotAudience, build: () => Promise<Question[]>, version?: string): Promise<SharedSnapshot> {
    const before = this.changes.get(sessionId) ?? 0;
    const questions = await build();
    const shared: SharedSnapshot = { questions, byId: new Map(questions.map((q) => [q.id, q])), version };
    if ((this.changes.get(sessionId) ?? 0) === before) {
      let entry = this.entries.get(sessionId);
      if (!entry) this.entries.set(sessionId, (entry = {}));
      entry[audience] = shared;
    }
    return shared;
  }
}
