import { eq } from 'drizzle-orm';
import type { DbPort, Prepared } from '../../db/port';
import type { answers, commitments } from '../../db/schema';
import type { AnswerRow, CommitmentRow } from '../questions/questions.repo';

/** Answers and the commitments made in them (read back with their questions by QuestionsRepo.contextFor). */
export class AnswersRepo {
  private readonly lockCommitmentStmt: Prepared<[number], { id: number }>;

  constructor(private readonly port: DbPort) {
    // SQLite's write transactions run one at a time; PostgreSQL's take the row.
    this.lockCommitmentStmt = port.prepare({
      sqlite: 'SELECT id FROM commitments WHERE id = ?',
      pg: 'SELECT id FROM commitments WHERE id = $1 FOR NO KEY UPDATE',
    });
  }

  /** The written follow-up of a question, if it was deferred to one. */
  async followUpOf(questionId: number): Promise<{ id: number; agency: string } | undefined> {
    const { followUps } = this.port.t;
    return (await this.port.q.select({ id: followUps.id, agency: followUps.agency }).from(followUps).where(eq(followUps.questionId, questionId)).limit(1))[0];
  }

  async insertAnswer(row: typeof answers.$inferInsert): Promise<AnswerRow> {
    return (await this.port.q.insert(this.port.t.answers).values(row).returning())[0]!;
  }

  async insertCommitment(row: typeof commitments.$inferInsert): Promise<CommitmentRow> {
    return (await this.port.q.insert(this.port.t.commitments).values(row).returning())[0]!;
  }

  /** The follow-up's answer is now this written one. */
  async linkWrittenAnswer(questionId: number, answerId: number, at: string): Promise<void> {
    const { followUps } = this.port.t;
    await this.port.q.update(followUps).set({ answerId, updatedAt: at }).where(eq(followUps.questionId, questionId));
  }

  async commitmentById(id: number): Promise<CommitmentRow | undefined> {
    const { commitments } = this.port.t;
    return (await this.port.q.select().from(commitments).where(eq(commitments.id, id)).limit(1))[0];
  }

  /** The commitment as it stands now, its row held until the transaction ends. Call inside a transaction. */
  async lockedCommitment(id: number): Promise<CommitmentRow | undefined> {
    if (!(await this.lockCommitmentStmt.get(id))) return undefined;
    return this.commitmentById(id);
  }

  async updateCommitment(id: number, patch: Partial<typeof commitments.$inferInsert>): Promise<CommitmentRow> {
    const { commitments } = this.port.t;
    return (await this.port.q.update(commitments).set(patch).where(eq(commitments.id, id)).returning())[0]!;
  }
}
