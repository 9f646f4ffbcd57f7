import { eq } from 'drizzle-orm';
import type { ParticipantView, Session } from '../../../shared/schemas/entities';
import type { JoinBody } from '../../../shared/schemas/requests';
import type { Db } from '../../db/client';
import { participants } from '../../db/schema';
import type { Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { DomainError } from '../errors';
import { normalizeJoinCode } from '../sessions/join-code';
import { isJoinable } from '../sessions/lifecycle';
import type { SessionsService } from '../sessions/sessions.service';

export type ParticipantRow = typeof participants.$inferSelect;

const clean = (v: string | undefined): string | null => v?.trim() || null;

export const toParticipantView = (p: ParticipantRow): ParticipantView => ({
  id: p.id,
  sessionId: p.sessionId,
  displayName: p.displayName ?? null,
  locality: p.locality ?? null,
  group: p.group ?? null,
});

export class ParticipantsService {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionsService,
  ) {}

  join(body: JoinBody): { participant: ParticipantView; session: Session } {
    const session = this.sessions.repo.byActiveCode(normalizeJoinCode(body.code));
    if (!session) throw new DomainError('SESSION_NOT_FOUND', 'no session with this code');
    if (session.status === 'closed') throw new DomainError('SESSION_CLOSED', 'this session has ended');
    if (!isJoinable(session.status)) throw new DomainError('SESSION_NOT_JOINABLE', 'this session is not open yet');
    const row = this.db
      .insert(participants)
      .values({
        sessionId: session.id,
        displayName: clean(body.displayName),
        locality: clean(body.locality),
        group: body.group ?? null,
        contact: clean(body.contact),
      })
      .returning()
      .get();
    return { participant: toParticipantView(row), session: this.sessions.view(session) };
  }

  byId(id: number): ParticipantRow | undefined {
    return this.db.select().from(participants).where(eq(participants.id, id)).get();
  }

  /** Contact details, for the secretariat to reach an asker. Every read is audited. */
  contactOf(actor: Actor, participantId: number): { contact: string | null } {
    if (actor.kind !== 'staff' || (actor.role !== 'secretary' && actor.role !== 'admin')) {
      throw new DomainError('FORBIDDEN', 'only the secretariat sees contact details');
    }
    const row = this.byId(participantId);
    if (!row) throw new DomainError('NOT_FOUND', 'no such participant');
    recordAudit(this.db, actor, {
      action: 'participant.contact.view',
      entity: 'participant',
      entityId: participantId,
      sessionId: row.sessionId,
    });
    return { contact: row.contact ?? null };
  }
}
