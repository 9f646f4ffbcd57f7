import type { DbPort } from '../../db/port';

/**
 * What every request of a participant is checked against, in memory so that
 * the hot paths (each socket packet, each vote) pay a Set lookup, not a
 * query: who is banned (loaded from the database at start, so a ban holds
 * across restarts), and when the recent participants joined (for the vote
 * surge signal; a participant unknown here joined before the last start and
 * counts as settled).
 */
export class ParticipantRegistry {
  private readonly banned = new Set<number>();
  private readonly joinedAt = new Map<number, number>();
  private pruneAt = 0;
  /**
   * Settles once the bans in the database are loaded. On SQLite the query
   * runs within the constructor (only the Set is filled a microtask later);
   * on PostgreSQL it is one round trip: a start awaits it before serving.
   */
  readonly ready: Promise<void>;

  constructor(port: DbPort) {
    this.ready = this.load(port);
  }

  private async load(port: DbPort): Promise<void> {
    const text = 'SELECT id FROM participants WHERE banned_at IS NOT NULL';
    for (const r of await port.prepare<[], { id: number }>({ sqlite: text, pg: text }).all()) this.banned.add(r.id);
  }

  isBanned(participantId: number): boolean {
    return this.banned.has(participantId);
  }

  markBanned(participantId: number): void {
    this.banned.add(participantId);
  }

  joined(participantId: number, at = Date.now()): void {
    this.joinedAt.set(participantId, at);
    if (at > this.pruneAt) {
      this.pruneAt = at + 60_000;
      for (const [id, t] of this.joinedAt) if (at - t > RECENT_MS) this.joinedAt.delete(id);
    }
  }

  /** True when the participant joined within the last few minutes (as far as this process knows). */
  isNew(participantId: number, now = Date.now()): boolean {
    const t = this.joinedAt.get(participantId);
    return t !== undefined && now - t <= NEW_PARTICIPANT_MS;
  }
}

/** A participant is "new" for the vote surge signal this long after joining. */
export const NEW_PARTICIPANT_MS = 5 * 60_000;
const RECENT_MS = NEW_PARTICIPANT_MS;
