import type { Venue } from '../../../shared/schemas/entities';
import type { CreateVenueBody, UpdateVenueBody } from '../../../shared/schemas/requests';
import type { DbPort } from '../../db/port';
import { requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { DomainError } from '../errors';
import type { DomainEvents } from '../events';
import { generateJoinCode } from '../sessions/join-code';
import type { SessionsService } from '../sessions/sessions.service';
import { VenuesRepo, type VenueRow } from './venues.repo';

export const toVenue = (v: VenueRow): Venue => ({
  id: v.id,
  sessionId: v.sessionId,
  name: v.name,
  locality: v.locality ?? null,
  code: v.code,
  attendance: v.attendance ?? null,
  createdAt: v.createdAt,
});

/** Linked venues (điểm cầu) of a session: each a hall with its own join code. */
export class VenuesService {
  readonly repo: VenuesRepo;
  constructor(
    private readonly port: DbPort,
    private readonly events: DomainEvents,
    private readonly sessions: SessionsService,
  ) {
    this.repo = new VenuesRepo(port);
  }

  async list(actor: Actor, sessionId: number): Promise<Venue[]> {
    await this.sessions.requireStaffOf(actor, sessionId);
    return (await this.repo.ofSession(sessionId)).map(toVenue);
  }

  /** The venues of a session, for the desk, exports and statistics (no authorization). */
  async of(sessionId: number): Promise<Venue[]> {
    return (await this.repo.ofSession(sessionId)).map(toVenue);
  }

  async create(actor: Actor, sessionId: number, body: CreateVenueBody): Promise<Venue> {
    requireStaff(actor, ['admin']);
    const session = await this.sessions.row(sessionId);
    if (session.status === 'archived') throw new DomainError('SESSION_ARCHIVED', 'an archived session cannot be changed');
    const name = body.name.normalize('NFC').trim();
    if (!name) throw new DomainError('INVALID_PAYLOAD', 'a venue needs a name');
    const row = await this.port.tx(async () => {
      // Locked on PostgreSQL until COMMIT: venues made at once take positions one after another.
      await this.sessions.repo.byIdForUpdate(sessionId);
      // And no other node chooses a join code meanwhile: a free one stays free.
      await this.sessions.repo.lockJoinCodes();
      const values = { sessionId, name, locality: body.locality?.normalize('NFC').trim() || null, attendance: body.attendance ?? null };
      let inserted: VenueRow | undefined;
      for (let attempt = 0; !inserted; attempt++) {
        if (attempt > 20) throw new DomainError('CONFLICT', 'could not find a free join code');
        const code = generateJoinCode();
        if (await this.sessions.repo.codeInUse(code)) continue;
        try {
          // A savepoint: on PostgreSQL a failed statement would end the whole transaction.
          inserted = await this.port.tx(() => this.repo.insert({ ...values, code }));
        } catch (err) {
          // Taken all the same (venues.code is unique) by a writer that did not take the lock: try another.
          if (!this.port.isUniqueViolation(err)) throw err;
        }
      }
      await recordAudit(this.port, actor, { action: 'venue.create', entity: 'venue', entityId: inserted.id, sessionId, after: inserted });
      return inserted;
    });
    this.events.emit('session:changed', { sessionId });
    return toVenue(row);
  }

  /**
   * Attendance per venue (secretary, admin of the session), as counted there;
   * name and locality (admin). Refused once the session is archived.
   */
  async update(actor: Actor, venueId: number, body: UpdateVenueBody): Promise<Venue> {
    requireStaff(actor, ['secretary', 'admin']);
    const before = await this.repo.byId(venueId);
    if (!before) throw new DomainError('NOT_FOUND', `no venue ${venueId}`);
    await this.sessions.requireStaffOf(actor, before.sessionId, ['secretary', 'admin']);
    if ((body.name !== undefined || body.locality !== undefined) && actor.kind === 'staff' && actor.role !== 'admin') {
      throw new DomainError('FORBIDDEN', 'only an admin renames a venue');
    }
    if ((await this.sessions.row(before.sessionId)).status === 'archived') throw new DomainError('SESSION_ARCHIVED', 'an archived session cannot be changed');
    const patch: Partial<VenueRow> = {};
    if (body.name !== undefined) {
      const name = body.name.normalize('NFC').trim();
      if (!name) throw new DomainError('INVALID_PAYLOAD', 'a venue needs a name');
      patch.name = name;
    }
    if (body.locality !== undefined) patch.locality = body.locality?.normalize('NFC').trim() || null;
    if (body.attendance !== undefined) patch.attendance = body.attendance;
    const after = await this.port.tx(async () => {
      const row = await this.repo.update(venueId, patch);
      await recordAudit(this.port, actor, { action: 'venue.update', entity: 'venue', entityId: venueId, sessionId: before.sessionId, before, after: row });
      return row;
    });
    this.events.emit('session:changed', { sessionId: before.sessionId });
    return toVenue(after);
  }

  /** A venue of this session, or 400: questions name their venue by id. */
  async requireOf(sessionId: number, venueId: number): Promise<VenueRow> {
    const v = await this.repo.byId(venueId);
    if (!v || v.sessionId !== sessionId) throw new DomainError('INVALID_PAYLOAD', `no venue ${venueId} in session ${sessionId}`);
    return v;
  }
}
