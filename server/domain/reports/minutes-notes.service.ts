import type { Session } from '../../../shared/schemas/entities';
import type { MinutesNotesBody } from '../../../shared/schemas/secretariat';
import type { DbPort } from '../../db/port';
import { requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError } from '../errors';
import type { DomainEvents } from '../events';
import type { SessionsService } from '../sessions/sessions.service';
import { ConclusionsRepo } from './conclusions.repo';

/**
 * What the secretary writes into the minutes by hand: the people in the hall
 * (the phones that joined are another figure) and the chair's closing
 * remarks. Goes on after the session is closed, until it is archived.
 */
export class MinutesNotesService {
  private readonly repo: ConclusionsRepo;

  constructor(
    private readonly port: DbPort,
    private readonly events: DomainEvents,
    private readonly sessions: SessionsService,
  ) {
    this.repo = new ConclusionsRepo(port);
  }

  async update(actor: Actor, sessionId: number, body: MinutesNotesBody): Promise<Session> {
    await this.sessions.requireStaffOf(actor, sessionId, ['secretary', 'admin']);
    const before = await this.sessions.row(sessionId);
    if (before.status === 'archived') throw new DomainError('ILLEGAL_TRANSITION', 'an archived session is read-only');
    const patch: { attendance?: number | null; closingRemarks?: string | null } = {};
    if (body.attendance !== undefined) patch.attendance = body.attendance;
    if (body.closingRemarks !== undefined) {
      const text = body.closingRemarks?.normalize('NFC').replace(/\r\n?/g, '\n').trim();
      patch.closingRemarks = text || null;
    }
    const after = await this.port.tx(async () => {
      const row = await this.repo.setMinutesNotes(sessionId, { ...patch, updatedAt: nowIso() });
      if (!row) throw new DomainError('ILLEGAL_TRANSITION', 'an archived session is read-only');
      await recordAudit(this.port, actor, {
        action: 'session.minutes_notes',
        entity: 'session',
        entityId: sessionId,
        sessionId,
        before: { attendance: before.attendance, closingRemarks: before.closingRemarks },
        after: { attendance: row.attendance, closingRemarks: row.closingRemarks },
      });
      return row;
    });
    this.events.emit('session:changed', { sessionId });
    return this.sessions.view(after);
  }
}
