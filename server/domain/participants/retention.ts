import type { DbPort, Prepared } from '../../db/port';
import { SYSTEM } from '../actor';
import { recordAudit } from '../audit/audit.repo';

const DUE = `SELECT id, closed_at AS "closedAt", retention_days AS "retentionDays" FROM sessions
  WHERE status IN ('closed', 'archived') AND closed_at IS NOT NULL AND contacts_erased_at IS NULL`;

/**
 * Keeps contact details only as long as each session's retention setting
 * says: `retentionDays` after a session closed, the contacts its
 * participants gave (and the time of their consent) are erased. Names,
 * localities and questions stay: they are the record of the session (the
 * minutes name who asked). The clock is injected, so that a test can jump
 * past the period.
 */
export class RetentionService {
  private readonly stmts: {
    due: Prepared<[], { id: number; closedAt: string; retentionDays: number }>;
    claim: Prepared<[string, number], { id: number }>;
    erase: Prepared<[number], unknown>;
  };

  constructor(
    private readonly port: DbPort,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.stmts = {
      due: port.prepare({ sqlite: DUE, pg: DUE }),
      // Conditional: several nodes may sweep at once (cluster mode); one claims each session, the others skip it.
      claim: port.prepare({
        sqlite: 'UPDATE sessions SET contacts_erased_at = ? WHERE id = ? AND contacts_erased_at IS NULL RETURNING id',
        pg: 'UPDATE sessions SET contacts_erased_at = $1 WHERE id = $2 AND contacts_erased_at IS NULL RETURNING id',
      }),
      erase: port.prepare({
        sqlite: 'UPDATE participants SET contact = NULL, contact_consent_at = NULL WHERE session_id = ? AND (contact IS NOT NULL OR contact_consent_at IS NOT NULL)',
        pg: 'UPDATE participants SET contact = NULL, contact_consent_at = NULL WHERE session_id = $1 AND (contact IS NOT NULL OR contact_consent_at IS NOT NULL)',
      }),
    };
  }

  /** Erases what is due at `now`; returns the sessions swept and the contacts erased. */
  async sweep(now: Date = this.clock()): Promise<{ sessions: number[]; contactsErased: number }> {
    const nowMs = now.getTime();
    const due = (await this.stmts.due.all()).filter((s) => Date.parse(s.closedAt) + s.retentionDays * 24 * 60 * 60_000 <= nowMs);
    let erased = 0;
    const swept: number[] = [];
    const at = now.toISOString();
    for (const s of due) {
      const changes = await this.port.tx(async () => {
        // Another node's sweep got there first (its COMMIT made this update find nothing).
        if ((await this.stmts.claim.run(at, s.id)) === 0) return null;
        const changes = await this.stmts.erase.run(s.id);
        await recordAudit(this.port, SYSTEM, {
          action: 'session.contacts.erase',
          entity: 'session',
          entityId: s.id,
          sessionId: s.id,
          after: { contactsErased: changes, retentionDays: s.retentionDays, closedAt: s.closedAt, at },
        });
        return changes;
      });
      if (changes === null) continue;
      erased += changes;
      swept.push(s.id);
    }
    return { sessions: swept, contactsErased: erased };
  }
}
