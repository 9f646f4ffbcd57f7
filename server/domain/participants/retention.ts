import { sqliteOf, type DbPort } from '../../db/port';
import { SYSTEM } from '../actor';
import { recordAudit } from '../audit/audit.repo';

/**
 * Keeps contact details only as long as each session's retention setting
 * says: `retentionDays` after a session closed, the contacts its
 * participants gave (and the time of their consent) are erased. Names,
 * localities and questions stay: they are the record of the session (the
 * minutes name who asked). The clock is injected, so that a test can jump
 * past the period.
 */
export class RetentionService {
  constructor(
    private readonly port: DbPort,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Erases what is due at `now`; returns the sessions swept and the contacts erased. */
  async sweep(now: Date = this.clock()): Promise<{ sessions: number[]; contactsErased: number }> {
    const c = sqliteOf(this.port);
    const nowMs = now.getTime();
    const due = (
      c
        .prepare(
          `SELECT id, closed_at AS closedAt, retention_days AS retentionDays FROM sessions
           WHERE status IN ('closed', 'archived') AND closed_at IS NOT NULL AND contacts_erased_at IS NULL`,
        )
        .all() as { id: number; closedAt: string; retentionDays: number }[]
    ).filter((s) => Date.parse(s.closedAt) + s.retentionDays * 24 * 60 * 60_000 <= nowMs);
    let erased = 0;
    const at = now.toISOString();
    for (const s of due) {
      await this.port.tx(async () => {
        const { changes } = c
          .prepare('UPDATE participants SET contact = NULL, contact_consent_at = NULL WHERE session_id = ? AND (contact IS NOT NULL OR contact_consent_at IS NOT NULL)')
          .run(s.id);
        c.prepare('UPDATE sessions SET contacts_erased_at = ? WHERE id = ?').run(at, s.id);
        erased += changes;
        await recordAudit(this.port, SYSTEM, {
          action: 'session.contacts.erase',
          entity: 'session',
          entityId: s.id,
          sessionId: s.id,
          after: { contactsErased: changes, retentionDays: s.retentionDays, closedAt: s.closedAt, at },
        });
      });
    }
    return { sessions: due.map((s) => s.id), contactsErased: erased };
  }
}
