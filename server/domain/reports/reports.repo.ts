import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import type { VenueRow } from '../venues/venues.repo';
import type { ParticipantGroup, QuestionStatus } from '../../../shared/schemas/enums';
import type { QuestionContext, QuestionsRepo, QuestionWithAuthor } from '../questions/questions.repo';
import type { PanelRow, SessionRow, SessionsRepo } from '../sessions/sessions.repo';

export type RecordQuestion = QuestionWithAuthor & { ctx: QuestionContext };

/** Everything a report about one session reads, loaded once. No contact details. */
export interface SessionRecord {
  session: SessionRow;
  panel: PanelRow[];
  participants: { total: number; byGroup: { group: ParticipantGroup | null; count: number }[] };
  questions: RecordQuestion[];
  venues: VenueRow[];
}

/** Read-only queries behind the minutes, lists, statistics and public pages. */
export class ReportsRepo {
  constructor(
    private readonly port: DbPort,
    private readonly sessionsRepo: SessionsRepo,
    private readonly questionsRepo: QuestionsRepo,
  ) {}

  async load(session: SessionRow): Promise<SessionRecord> {
    const { participants, questions, venues } = this.port.t;
    const byGroup = await this.port.q
      .select({ group: participants.group, count: sql<number>`count(*)`.mapWith(Number) })
      .from(participants)
      // The people who joined on their phones: not those a question was taken for (floor, paper, hotline, SMS).
      .where(
        and(
          eq(participants.sessionId, session.id),
          sql`${participants.id} NOT IN (SELECT ${questions.participantId} FROM ${questions} WHERE ${questions.sessionId} = ${session.id} AND ${questions.channel} <> 'app')`,
        ),
      )
      .groupBy(participants.group);
    const list = await this.questionsRepo.listWithAuthor(session.id);
    const ctx = await this.questionsRepo.contextFor(list.map((q) => q.id));
    const panel = await this.sessionsRepo.panelOf([session.id]);
    return {
      session,
      panel,
      participants: { total: byGroup.reduce((n, g) => n + g.count, 0), byGroup },
      questions: list.map((q) => ({ ...q, ctx: ctx.get(q.id) ?? { answers: [], commitments: [], followUp: null } })),
      venues: await this.port.q.select().from(venues).where(eq(venues.sessionId, session.id)).orderBy(asc(venues.position), asc(venues.id)),
    };
  }

  /** Closed and archived sessions with how many questions their public record shows. */
  async publicSessions(publicStatuses: readonly QuestionStatus[]): Promise<{ session: SessionRow; questionCount: number }[]> {
    const { questions, sessions } = this.port.t;
    const rows = await this.port.q
      .select()
      .from(sessions)
      .where(inArray(sessions.status, ['closed', 'archived']))
      .orderBy(desc(sessions.startsAt), asc(sessions.id));
    if (rows.length === 0) return [];
    const counts = await this.port.q
      .select({ sessionId: questions.sessionId, n: sql<number>`count(*)`.mapWith(Number) })
      .from(questions)
      .where(and(inArray(questions.sessionId, rows.map((r) => r.id)), inArray(questions.status, [...publicStatuses])))
      .groupBy(questions.sessionId);
    const bySession = new Map(counts.map((c) => [c.sessionId, c.n]));
    return rows.map((session) => ({ session, questionCount: bySession.get(session.id) ?? 0 }));
  }

  async questionWithContext(id: number): Promise<RecordQuestion | undefined> {
    const q = await this.questionsRepo.withAuthor(id);
    if (!q) return undefined;
    return { ...q, ctx: (await this.questionsRepo.contextFor([id])).get(id) ?? { answers: [], commitments: [], followUp: null } };
  }

  async questionIdByTrackingCode(code: string): Promise<number | undefined> {
    const { questions } = this.port.t;
    return (await this.port.q.select({ id: questions.id }).from(questions).where(eq(questions.trackingCode, code)).limit(1))[0]?.id;
  }
}
