import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/client';
import { answers, commitments, followUps, participants, questions } from '../../db/schema';

export type QuestionRow = typeof questions.$inferSelect;
export type NewQuestionRow = typeof questions.$inferInsert;
export type AnswerRow = typeof answers.$inferSelect;
export type CommitmentRow = typeof commitments.$inferSelect;
export type FollowUpRow = typeof followUps.$inferSelect;

export interface Author {
  displayName: string | null;
  locality: string | null;
  group: (typeof participants.$inferSelect)['group'];
}
export type QuestionWithAuthor = QuestionRow & { author: Author };

/** What a question needs around it to be shown: answers, commitments, follow-up. */
export interface QuestionContext {
  answers: AnswerRow[];
  commitments: CommitmentRow[];
  followUp: FollowUpRow | null;
}

export interface VoteTarget {
  sessionId: number;
  status: QuestionRow['status'];
  participantId: number;
  sessionStatus: string;
}

const withAuthorColumns = {
  q: questions,
  displayName: participants.displayName,
  locality: participants.locality,
  group: participants.group,
};

type JoinedRow = { q: QuestionRow; displayName: string | null; locality: string | null; group: Author['group'] };
const toWithAuthor = (r: JoinedRow): QuestionWithAuthor => ({
  ...r.q,
  author: { displayName: r.displayName, locality: r.locality, group: r.group },
});

export class QuestionsRepo {
  // Votes are the hot path (thousands a second in a vote storm): plain
  // prepared statements, no query building per call.
  private readonly voteTargetStmt: Statement<[number], VoteTarget>;
  private readonly insertVoteStmt: Statement<[number, number]>;
  private readonly deleteVoteStmt: Statement<[number, number]>;
  private readonly bumpStmt: Statement<[number, number], { votes: number }>;
  private readonly votesStmt: Statement<[number], { votes: number }>;

  constructor(private readonly db: Db) {
    const c = db.$client;
    this.voteTargetStmt = c.prepare(
      `SELECT q.session_id AS sessionId, q.status AS status, q.participant_id AS participantId, s.status AS sessionStatus
       FROM questions q JOIN sessions s ON s.id = q.session_id WHERE q.id = ?`,
    );
    this.insertVoteStmt = c.prepare('INSERT OR IGNORE INTO votes (question_id, participant_id) VALUES (?, ?)');
    this.deleteVoteStmt = c.prepare('DELETE FROM votes WHERE question_id = ? AND participant_id = ?');
    this.bumpStmt = c.prepare('UPDATE questions SET votes = votes + ? WHERE id = ? RETURNING votes');
    this.votesStmt = c.prepare('SELECT votes FROM questions WHERE id = ?');
  }

  voteTarget(questionId: number): VoteTarget | undefined {
    return this.voteTargetStmt.get(questionId);
  }

  /** Adds a vote if absent; returns the new count. Call inside a transaction. */
  addVote(questionId: number, participantId: number): number {
    const { changes } = this.insertVoteStmt.run(questionId, participantId);
    return changes ? this.bumpStmt.get(1, questionId)!.votes : this.votesStmt.get(questionId)!.votes;
  }

  removeVote(questionId: number, participantId: number): number {
    const { changes } = this.deleteVoteStmt.run(questionId, participantId);
    return changes ? this.bumpStmt.get(-1, questionId)!.votes : this.votesStmt.get(questionId)!.votes;
  }

  /** Copies the source's voters onto the target (each person once) and recounts it. */
  mergeVotes(sourceId: number, targetId: number): number {
    this.db.$client
      .prepare('INSERT OR IGNORE INTO votes (question_id, participant_id, created_at) SELECT ?, participant_id, created_at FROM votes WHERE question_id = ?')
      .run(targetId, sourceId);
    return this.db.$client
      .prepare<[number, number], { votes: number }>('UPDATE questions SET votes = (SELECT count(*) FROM votes WHERE question_id = ?) WHERE id = ? RETURNING votes')
      .get(targetId, targetId)!.votes;
  }

  votedBy(sessionId: number, participantId: number): number[] {
    return this.db.$client
      .prepare<[number, number], { id: number }>(
        'SELECT v.question_id AS id FROM votes v JOIN questions q ON q.id = v.question_id WHERE q.session_id = ? AND v.participant_id = ?',
      )
      .all(sessionId, participantId)
      .map((r) => r.id);
  }

  byId(id: number): QuestionRow | undefined {
    return this.db.select().from(questions).where(eq(questions.id, id)).get();
  }

  withAuthor(id: number): QuestionWithAuthor | undefined {
    const r = this.db
      .select(withAuthorColumns)
      .from(questions)
      .innerJoin(participants, eq(participants.id, questions.participantId))
      .where(eq(questions.id, id))
      .get();
    return r && toWithAuthor(r);
  }

  listWithAuthor(sessionId: number): QuestionWithAuthor[] {
    return this.db
      .select(withAuthorColumns)
      .from(questions)
      .innerJoin(participants, eq(participants.id, questions.participantId))
      .where(eq(questions.sessionId, sessionId))
      .orderBy(asc(questions.id))
      .all()
      .map(toWithAuthor);
  }

  byClientId(participantId: number, clientId: string): QuestionRow | undefined {
    return this.db
      .select()
      .from(questions)
      .where(and(eq(questions.participantId, participantId), eq(questions.clientId, clientId)))
      .get();
  }

  /** Recent questions of the session that a new one may duplicate. */
  recentComparable(sessionId: number, limit: number): { id: number; text: string }[] {
    return this.db
      .select({ id: questions.id, text: questions.text })
      .from(questions)
      .where(and(eq(questions.sessionId, sessionId), inArray(questions.status, ['pending', 'approved', 'on_stage', 'answered', 'deferred'])))
      .orderBy(desc(questions.id))
      .limit(limit)
      .all();
  }

  insert(row: NewQuestionRow): QuestionRow {
    return this.db.insert(questions).values(row).returning().get();
  }

  update(id: number, patch: Partial<NewQuestionRow>): QuestionRow {
    return this.db.update(questions).set(patch).where(eq(questions.id, id)).returning().get();
  }

  trackingCodeTaken(code: string): boolean {
    return Boolean(this.db.select({ id: questions.id }).from(questions).where(eq(questions.trackingCode, code)).get());
  }

  /** Answers, commitments and follow-ups for the given questions, grouped by question. */
  contextFor(questionIds: number[]): Map<number, QuestionContext> {
    const out = new Map<number, QuestionContext>();
    if (questionIds.length === 0) return out;
    for (const id of questionIds) out.set(id, { answers: [], commitments: [], followUp: null });
    // Chunk to stay far below SQLite's bound-parameter limit.
    for (let i = 0; i < questionIds.length; i += 500) {
      const ids = questionIds.slice(i, i + 500);
      for (const a of this.db.select().from(answers).where(inArray(answers.questionId, ids)).orderBy(asc(answers.id)).all())
        out.get(a.questionId)!.answers.push(a);
      for (const c of this.db.select().from(commitments).where(inArray(commitments.questionId, ids)).orderBy(asc(commitments.id)).all())
        out.get(c.questionId)!.commitments.push(c);
      for (const f of this.db.select().from(followUps).where(inArray(followUps.questionId, ids)).all())
        out.get(f.questionId)!.followUp = f;
    }
    return out;
  }

  insertFollowUp(row: typeof followUps.$inferInsert): FollowUpRow {
    return this.db
      .insert(followUps)
      .values(row)
      .onConflictDoUpdate({
        target: followUps.questionId,
        set: { agency: row.agency, deadline: row.deadline, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` },
      })
      .returning()
      .get();
  }
}
