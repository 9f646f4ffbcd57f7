import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { DbPort, Prepared } from '../../db/port';
import type { followUps, participants, questions } from '../../db/schema';
import type { AnswerRow, FollowUpRow, QuestionRow } from '../questions/questions.repo';
import type { SessionRow } from '../sessions/sessions.repo';

export interface FollowUpJoined {
  f: FollowUpRow;
  q: QuestionRow;
  s: Pick<SessionRow, 'id' | 'title' | 'status'>;
  author: { displayName: string | null; locality: string | null; group: (typeof participants.$inferSelect)['group']; hasContact: boolean };
  answer: AnswerRow | null;
}

export class FollowUpsRepo {
  private readonly lockStmt: Prepared<[number], { id: number }>;

  constructor(private readonly port: DbPort) {
    // SQLite's write transactions run one at a time; PostgreSQL's take the row.
    this.lockStmt = port.prepare({
      sqlite: 'SELECT id FROM follow_ups WHERE id = ?',
      pg: 'SELECT id FROM follow_ups WHERE id = $1 FOR NO KEY UPDATE',
    });
  }

  private async select(where: SQL | undefined): Promise<FollowUpJoined[]> {
    const { answers, followUps, participants, questions, sessions } = this.port.t;
    const rows = await this.port.q
      .select({
        f: followUps,
        q: questions,
        s: { id: sessions.id, title: sessions.title, status: sessions.status },
        displayName: participants.displayName,
        locality: participants.locality,
        group: participants.group,
        contact: participants.contact,
        answer: answers,
      })
      .from(followUps)
      .innerJoin(questions, eq(questions.id, followUps.questionId))
      .innerJoin(sessions, eq(sessions.id, followUps.sessionId))
      .innerJoin(participants, eq(participants.id, questions.participantId))
      .leftJoin(answers, eq(answers.id, followUps.answerId))
      .where(where)
      .orderBy(asc(followUps.deadline), asc(followUps.id));
    return rows.map((r) => ({
      f: r.f,
      q: r.q,
      s: r.s,
      // Only whether a contact exists leaves this repo, never the contact.
      author: { displayName: r.displayName, locality: r.locality, group: r.group, hasContact: Boolean(r.contact) },
      answer: r.answer,
    }));
  }

  async list(filter: { status?: FollowUpRow['status']; sessionId?: number }): Promise<FollowUpJoined[]> {
    const { followUps } = this.port.t;
    const conds: SQL[] = [];
    if (filter.status) conds.push(eq(followUps.status, filter.status));
    if (filter.sessionId) conds.push(eq(followUps.sessionId, filter.sessionId));
    return this.select(conds.length ? and(...conds) : undefined);
  }

  async byId(id: number): Promise<FollowUpJoined | undefined> {
    return (await this.select(eq(this.port.t.followUps.id, id)))[0];
  }

  /**
   * The follow-up as it stands now, its row held until the transaction ends
   * (PostgreSQL: FOR NO KEY UPDATE): a status move is checked on what it moves from.
   * Call inside a transaction.
   */
  async lockedById(id: number): Promise<FollowUpJoined | undefined> {
    if (!(await this.lockStmt.get(id))) return undefined;
    return this.byId(id);
  }

  async update(id: number, patch: Partial<typeof followUps.$inferInsert>): Promise<FollowUpRow> {
    const { followUps } = this.port.t;
    return (await this.port.q.update(followUps).set(patch).where(eq(followUps.id, id)).returning())[0]!;
  }

  async publishAnswer(answerId: number, at: string): Promise<AnswerRow> {
    const { answers } = this.port.t;
    return (await this.port.q.update(answers).set({ publishedAt: at }).where(eq(answers.id, answerId)).returning())[0]!;
  }

  async touchQuestion(questionId: number, patch: Partial<typeof questions.$inferInsert>): Promise<void> {
    const { questions } = this.port.t;
    await this.port.q.update(questions).set(patch).where(eq(questions.id, questionId));
  }
}
