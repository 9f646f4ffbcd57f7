import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import { answers, followUps, participants, questions, sessions } from '../../db/schema';
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
  constructor(private readonly port: DbPort) {}

  private select(where: SQL | undefined): FollowUpJoined[] {
    return this.port.q
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
      .orderBy(asc(followUps.deadline), asc(followUps.id))
      .all()
      .map((r) => ({
        f: r.f,
        q: r.q,
        s: r.s,
        // Only whether a contact exists leaves this repo, never the contact.
        author: { displayName: r.displayName, locality: r.locality, group: r.group, hasContact: Boolean(r.contact) },
        answer: r.answer,
      }));
  }

  async list(filter: { status?: FollowUpRow['status']; sessionId?: number }): Promise<FollowUpJoined[]> {
    const conds: SQL[] = [];
    if (filter.status) conds.push(eq(followUps.status, filter.status));
    if (filter.sessionId) conds.push(eq(followUps.sessionId, filter.sessionId));
    return this.select(conds.length ? and(...conds) : undefined);
  }

  async byId(id: number): Promise<FollowUpJoined | undefined> {
    return this.select(eq(followUps.id, id))[0];
  }

  async update(id: number, patch: Partial<typeof followUps.$inferInsert>): Promise<FollowUpRow> {
    return this.port.q.update(followUps).set(patch).where(eq(followUps.id, id)).returning().get();
  }

  async publishAnswer(answerId: number, at: string): Promise<AnswerRow> {
    return this.port.q.update(answers).set({ publishedAt: at }).where(eq(answers.id, answerId)).returning().get();
  }

  async touchQuestion(questionId: number, patch: Partial<typeof questions.$inferInsert>): Promise<void> {
    this.port.q.update(questions).set(patch).where(eq(questions.id, questionId)).run();
  }
}
