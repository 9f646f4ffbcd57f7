import type Database from 'better-sqlite3';

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

  constructor(sqlite: Database.Database) {
    for (const r of sqlite.prepare('SELECT id FROM participants WHERE banned_at IS NOT NULL').all() as { id: number }[]) {
      this.banned.add(r.id);
    }
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
