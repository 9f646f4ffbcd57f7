import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import { sqliteOf, type DbPort } from '../../db/port';
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
  private readonly venueOfStmt: Statement<[number], { v: number | null }>;
  private readonly venueNameOfStmt: Statement<[number], { id: number; name: string }>;
  private readonly nextNumberStmt: Statement<[number], { n: number }>;

  constructor(private readonly port: DbPort) {
    const c = sqliteOf(port);
    this.voteTargetStmt = c.prepare(
      `SELECT q.session_id AS sessionId, q.status AS status, q.participant_id AS participantId, s.status AS sessionStatus
       FROM questions q JOIN sessions s ON s.id = q.session_id WHERE q.id = ?`,
    );
    this.insertVoteStmt = c.prepare('INSERT OR IGNORE INTO votes (question_id, participant_id) VALUES (?, ?)');
    this.deleteVoteStmt = c.prepare('DELETE FROM votes WHERE question_id = ? AND participant_id = ?');
    this.bumpStmt = c.prepare('UPDATE questions SET votes = votes + ? WHERE id = ? RETURNING votes');
    this.votesStmt = c.prepare('SELECT votes FROM questions WHERE id = ?');
    this.venueOfStmt = c.prepare('SELECT venue_id AS v FROM participants WHERE id = ?');
    // Every participant's session:join asks for it.
    this.venueNameOfStmt = c.prepare('SELECT v.id AS id, v.name AS name FROM participants p JOIN venues v ON v.id = p.venue_id WHERE p.id = ?');
    // Every submission asks for it (the unique index on (session_id, number) makes it one index seek).
    this.nextNumberStmt = c.prepare('SELECT coalesce(max(number), 0) + 1 AS n FROM questions WHERE session_id = ?');
  }

  async voteTarget(questionId: number): Promise<VoteTarget | undefined> {
    return this.voteTargetStmt.get(questionId);
  }

  /** Adds a vote if absent; returns the new count. Call inside a transaction. */
  async addVote(questionId: number, participantId: number): Promise<number> {
    const { changes } = this.insertVoteStmt.run(questionId, participantId);
    return changes ? this.bumpStmt.get(1, questionId)!.votes : this.votesStmt.get(questionId)!.votes;
  }

  async removeVote(questionId: number, participantId: number): Promise<number> {
    const { changes } = this.deleteVoteStmt.run(questionId, participantId);
    return changes ? this.bumpStmt.get(-1, questionId)!.votes : this.votesStmt.get(questionId)!.votes;
  }

  /** Copies the source's voters onto the target (each person once) and recounts it. */
  async mergeVotes(sourceId: number, targetId: number): Promise<number> {
    sqliteOf(this.port)
      .prepare('INSERT OR IGNORE INTO votes (question_id, participant_id, created_at) SELECT ?, participant_id, created_at FROM votes WHERE question_id = ?')
      .run(targetId, sourceId);
    return sqliteOf(this.port)
      .prepare<[number, number], { votes: number }>('UPDATE questions SET votes = (SELECT count(*) FROM votes WHERE question_id = ?) WHERE id = ? RETURNING votes')
      .get(targetId, targetId)!.votes;
  }

  /**
   * Takes away every vote of one participant and recounts the questions it
   * had voted for (merge targets included: a merge copies voters). Returns
   * the new counts. Call inside a transaction.
   */
  async removeAllVotesOf(participantId: number): Promise<{ questionId: number; votes: number }[]> {
    const c = sqliteOf(this.port);
    const ids = c
      .prepare<[number], { id: number }>('SELECT question_id AS id FROM votes WHERE participant_id = ?')
      .all(participantId)
      .map((r) => r.id);
    c.prepare('DELETE FROM votes WHERE participant_id = ?').run(participantId);
    const recount = c.prepare<[number, number], { votes: number }>(
      'UPDATE questions SET votes = (SELECT count(*) FROM votes WHERE question_id = ?) WHERE id = ? RETURNING votes',
    );
    return ids.map((id) => ({ questionId: id, votes: recount.get(id, id)!.votes }));
  }

  /** Every question of this participant becomes anonymous (its author's data was erased). */
  async makeAnonymous(participantId: number): Promise<void> {
    this.port.q.update(questions).set({ anonymous: true }).where(eq(questions.participantId, participantId)).run();
  }

  /** Ids and statuses of one participant's questions. */
  async ofParticipant(participantId: number): Promise<{ id: number; sessionId: number; status: QuestionRow['status'] }[]> {
    return this.port.q
      .select({ id: questions.id, sessionId: questions.sessionId, status: questions.status })
      .from(questions)
      .where(eq(questions.participantId, participantId))
      .all();
  }

  async votedBy(sessionId: number, participantId: number): Promise<number[]> {
    return sqliteOf(this.port)
      .prepare<[number, number], { id: number }>(
        'SELECT v.question_id AS id FROM votes v JOIN questions q ON q.id = v.question_id WHERE q.session_id = ? AND v.participant_id = ?',
      )
      .all(sessionId, participantId)
      .map((r) => r.id);
  }

  /** Current vote counts of a session's questions (all of them, or these ids), with their status. */
  async voteCounts(sessionId: number, ids?: readonly number[]): Promise<{ id: number; votes: number; status: QuestionRow['status'] }[]> {
    const where = ids ? and(eq(questions.sessionId, sessionId), inArray(questions.id, [...ids])) : eq(questions.sessionId, sessionId);
    return this.port.q.select({ id: questions.id, votes: questions.votes, status: questions.status }).from(questions).where(where).all();
  }

  async byId(id: number): Promise<QuestionRow | undefined> {
    return this.port.q.select().from(questions).where(eq(questions.id, id)).get();
  }

  async withAuthor(id: number): Promise<QuestionWithAuthor | undefined> {
    const r = this.port.q
      .select(withAuthorColumns)
      .from(questions)
      .innerJoin(participants, eq(participants.id, questions.participantId))
      .where(eq(questions.id, id))
      .get();
    return r && toWithAuthor(r);
  }

  async listWithAuthor(sessionId: number): Promise<QuestionWithAuthor[]> {
    return this.port.q
      .select(withAuthorColumns)
      .from(questions)
      .innerJoin(participants, eq(participants.id, questions.participantId))
      .where(eq(questions.sessionId, sessionId))
      .orderBy(asc(questions.id))
      .all()
      .map(toWithAuthor);
  }

  /** One participant's questions in a session, oldest first. */
  async listWithAuthorBy(sessionId: number, participantId: number): Promise<QuestionWithAuthor[]> {
    return this.port.q
      .select(withAuthorColumns)
      .from(questions)
      .innerJoin(participants, eq(participants.id, questions.participantId))
      .where(and(eq(questions.sessionId, sessionId), eq(questions.participantId, participantId)))
      .orderBy(asc(questions.id))
      .all()
      .map(toWithAuthor);
  }

  async byClientId(participantId: number, clientId: string): Promise<QuestionRow | undefined> {
    return this.port.q
      .select()
      .from(questions)
      .where(and(eq(questions.participantId, participantId), eq(questions.clientId, clientId)))
      .get();
  }

  /** Recent questions of the session that a new one may duplicate. */
  async recentComparable(sessionId: number, limit: number): Promise<{ id: number; text: string }[]> {
    return this.port.q
      .select({ id: questions.id, text: questions.text })
      .from(questions)
      .where(and(eq(questions.sessionId, sessionId), inArray(questions.status, ['pending', 'approved', 'on_stage', 'answered', 'deferred'])))
      .orderBy(desc(questions.id))
      .limit(limit)
      .all();
  }

  /** The session a linked venue belongs to, if the venue exists. */
  async sessionOfVenue(venueId: number): Promise<number | undefined> {
    return sqliteOf(this.port).prepare<[number], { s: number }>('SELECT session_id AS s FROM venues WHERE id = ?').get(venueId)?.s;
  }

  /** The next number within the session (the unique index makes a race fail, not duplicate). */
  async nextNumber(sessionId: number): Promise<number> {
    return this.nextNumberStmt.get(sessionId)!.n;
  }

  async insert(row: NewQuestionRow): Promise<QuestionRow> {
    return this.port.q.insert(questions).values(row).returning().get();
  }

  async update(id: number, patch: Partial<NewQuestionRow>): Promise<QuestionRow> {
    return this.port.q.update(questions).set(patch).where(eq(questions.id, id)).returning().get();
  }

  /** The venue a participant joined by (null: the main hall). */
  async venueOfParticipant(participantId: number): Promise<number | null> {
    return this.venueOfStmt.get(participantId)?.v ?? null;
  }

  /** The linked venue a participant joined by, with its name (undefined: the main hall). */
  async venueNameOfParticipant(participantId: number): Promise<{ id: number; name: string } | undefined> {
    return this.venueNameOfStmt.get(participantId);
  }

  /** The person a question is taken for (floor, paper, hotline, SMS): a participant row without a token. */
  async insertProxyParticipant(row: typeof participants.$inferInsert): Promise<number> {
    return this.port.q.insert(participants).values(row).returning({ id: participants.id }).get().id;
  }

  /** Answers, commitments and follow-ups for the given questions, grouped by question. */
  async contextFor(questionIds: number[]): Promise<Map<number, QuestionContext>> {
    const out = new Map<number, QuestionContext>();
    if (questionIds.length === 0) return out;
    for (const id of questionIds) out.set(id, { answers: [], commitments: [], followUp: null });
    // Chunk to stay far below SQLite's bound-parameter limit.
    for (let i = 0; i < questionIds.length; i += 500) {
      const ids = questionIds.slice(i, i + 500);
      for (const a of this.port.q.select().from(answers).where(inArray(answers.questionId, ids)).orderBy(asc(answers.id)).all())
        out.get(a.questionId)!.answers.push(a);
      for (const c of this.port.q.select().from(commitments).where(inArray(commitments.questionId, ids)).orderBy(asc(commitments.id)).all())
        out.get(c.questionId)!.commitments.push(c);
      for (const f of this.port.q.select().from(followUps).where(inArray(followUps.questionId, ids)).all())
        out.get(f.questionId)!.followUp = f;
    }
    return out;
  }

  async insertFollowUp(row: typeof followUps.$inferInsert): Promise<FollowUpRow> {
    return this.port.q
      .insert(followUps)
      .values(row)
      .onConflictDoUpdate({
        target: followUps.questionId,
        set: { agency: row.agency, supportingAgencies: row.supportingAgencies ?? '[]', deadline: row.deadline, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` },
      })
      .returning()
      .get();
  }
}
