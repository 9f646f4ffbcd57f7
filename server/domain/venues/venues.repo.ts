import { and, asc, count, eq } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import type { smsMessages, venues } from '../../db/schema';

export type VenueRow = typeof venues.$inferSelect;

export class VenuesRepo {
  constructor(private readonly port: DbPort) {}

  async byId(id: number): Promise<VenueRow | undefined> {
    const { venues } = this.port.t;
    return (await this.port.q.select().from(venues).where(eq(venues.id, id)).limit(1))[0];
  }
  async byCode(code: string): Promise<VenueRow | undefined> {
    const { venues } = this.port.t;
    return (await this.port.q.select().from(venues).where(eq(venues.code, code)).limit(1))[0];
  }
  async ofSession(sessionId: number): Promise<VenueRow[]> {
    const { venues } = this.port.t;
    return this.port.q.select().from(venues).where(eq(venues.sessionId, sessionId)).orderBy(asc(venues.position), asc(venues.id));
  }
  /** Placed last among the session's venues: call with the session locked (SessionsRepo.byIdForUpdate). */
  async insert(row: typeof venues.$inferInsert): Promise<VenueRow> {
    const { venues } = this.port.t;
    const position = (await this.port.q.select({ n: count() }).from(venues).where(eq(venues.sessionId, row.sessionId)))[0]?.n ?? 0;
    return (
      await this.port.q
        .insert(venues)
        .values({ ...row, position })
        .returning()
    )[0]!;
  }

  async update(id: number, patch: Partial<typeof venues.$inferInsert>): Promise<VenueRow> {
    const { venues } = this.port.t;
    return (await this.port.q.update(venues).set(patch).where(eq(venues.id, id)).returning())[0]!;
  }

  // ---- SMS -------------------------------------------------------------------

  async smsSeen(messageId: string): Promise<boolean> {
    const { smsMessages } = this.port.t;
    return (await this.port.q.select({ id: smsMessages.messageId }).from(smsMessages).where(eq(smsMessages.messageId, messageId)).limit(1))[0] !== undefined;
  }
  /**
   * Remembers a message id; false when it was already there. On PostgreSQL
   * a transaction that took the same id and has not ended yet makes this
   * wait for its end: false if it committed.
   */
  async recordSms(row: typeof smsMessages.$inferInsert): Promise<boolean> {
    const { smsMessages } = this.port.t;
    const taken = await this.port.q.insert(smsMessages).values(row).onConflictDoNothing().returning({ id: smsMessages.messageId });
    return taken.length > 0;
  }
  /** The participant an SMS sender became in this session before (one per phone number per session). */
  async smsParticipant(sessionId: number, phone: string): Promise<number | undefined> {
    const { participants, questions } = this.port.t;
    const rows = await this.port.q
      .select({ id: participants.id })
      .from(participants)
      .innerJoin(questions, eq(questions.participantId, participants.id))
      .where(and(eq(participants.sessionId, sessionId), eq(participants.contact, phone), eq(questions.channel, 'sms')))
      .limit(1);
    return rows[0]?.id;
  }
}
