import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { participants, questions, sessions } from '../../db/schema';
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
}

/** Read-only queries behind the minutes, lists, statistics and public pages. */
export class ReportsRepo {
  constructor(
    private readonly db: Db,
    private readonly sessionsRepo: SessionsRepo,
    private readonly questionsRepo: QuestionsRepo,
  ) {}

  load(session: SessionRow): SessionRecord {
    const byGroup = this.db
      .select({ group: participants.group, count: sql<number>`count(*)` })
      .from(participants)
      .where(eq(participants.sessionId, session.id))
      .groupBy(participants.group)
      .all();
    const list = this.questionsRepo.listWithAuthor(session.id);
    const ctx = this.questionsRepo.contextFor(list.map((q) => q.id));
    return {
      session,
      panel: this.sessionsRepo.panelOf([session.id]),
      participants: { total: byGroup.reduce((n, g) => n + g.count, 0), byGroup },
      questions: list.map((q) => ({ ...q, ctx: ctx.get(q.id) ?? { answers: [], commitments: [], followUp: null } })),
    };
  }

  /** Closed and archived sessions with how many questions their public record shows. */
  publicSessions(publicStatuses: readonly QuestionStatus[]): { session: SessionRow; questionCount: number }[] {
    const rows = this.db
      .select()
      .from(sessions)
      .where(inArray(sessions.status, ['closed', 'archived']))
      .orderBy(desc(sessions.startsAt), asc(sessions.id))
      .all();
    if (rows.length === 0) return [];
    const counts = this.db
      .select({ sessionId: questions.sessionId, n: sql<number>`count(*)` })
      .from(questions)
      .where(and(inArray(questions.sessionId, rows.map((r) => r.id)), inArray(questions.status, [...publicStatuses])))
      .groupBy(questions.sessionId)
      .all();
    const bySession = new Map(counts.map((c) => [c.sessionId, c.n]));
    return rows.map((session) => ({ session, questionCount: bySession.get(session.id) ?? 0 }));
  }

  questionWithContext(id: number): RecordQuestion | undefined {
    const q = this.questionsRepo.withAuthor(id);
    if (!q) return undefined;
    return { ...q, ctx: this.questionsRepo.contextFor([id]).get(id) ?? { answers: [], commitments: [], followUp: null } };
  }

  questionIdByTrackingCode(code: string): number | undefined {
    return this.db.select({ id: questions.id }).from(questions).where(eq(questions.trackingCode, code)).get()?.id;
  }
}
