import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import { participants, questions, smsMessages, venues } from '../../db/schema';

export type VenueRow = typeof venues.$inferSelect;

export class VenuesRepo {
  constructor(private readonly port: DbPort) {}

  async byId(id: number): Promise<VenueRow | undefined> {
    return this.port.q.select().from(venues).where(eq(venues.id, id)).get();
  }
  async byCode(code: string): Promise<VenueRow | undefined> {
    return this.port.q.select().from(venues).where(eq(venues.code, code)).get();
  }
  async ofSession(sessionId: number): Promise<VenueRow[]> {
    return this.port.q.select().from(venues).where(eq(venues.sessionId, sessionId)).orderBy(asc(venues.position), asc(venues.id)).all();
  }
  async insert(row: typeof venues.$inferInsert): Promise<VenueRow> {
    const position = this.port.q.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${venues} WHERE ${venues.sessionId} = ${row.sessionId}`)?.n ?? 0;
    return this.port.q.insert(venues).values({ ...row, position }).returning().get();
  }

  async update(id: number, patch: Partial<typeof venues.$inferInsert>): Promise<VenueRow> {
    return this.port.q.update(venues).set(patch).where(eq(venues.id, id)).returning().get();
  }

  // ---- SMS -------------------------------------------------------------------

  async smsSeen(messageId: string): Promise<boolean> {
    return this.port.q.select({ id: smsMessages.messageId }).from(smsMessages).where(eq(smsMessages.messageId, messageId)).get() !== undefined;
  }
  async recordSms(row: typeof smsMessages.$inferInsert): Promise<void> {
    this.port.q.insert(smsMessages).values(row).run();
  }
  /** The participant an SMS sender became in this session before (one per phone number per session). */
  async smsParticipant(sessionId: number, phone: string): Promise<number | undefined> {
    return this.port.q
      .select({ id: participants.id })
      .from(participants)
      .innerJoin(questions, eq(questions.participantId, participants.id))
      .where(and(eq(participants.sessionId, sessionId), eq(participants.contact, phone), eq(questions.channel, 'sms')))
      .limit(1)
      .get()?.id;
  }
}
