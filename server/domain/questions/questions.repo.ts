import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { DbPort, Prepared, Tables } from '../../db/port';
import type { answers, commitments, followUps, participants, questions } from '../../db/schema';
import { nowIso } from '../clock';

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

/** A question with its author's public fields, selected in one join (built per port: its tables). */
const withAuthorColumnsOf = (t: Tables) => ({
  q: t.questions,
  displayName: t.participants.displayName,
  locality: t.participants.locality,
  group: t.participants.group,
});

type JoinedRow = { q: QuestionRow; displayName: string | null; locality: string | null; group: Author['group'] };
const toWithAuthor = (r: JoinedRow): QuestionWithAuthor => ({
  ...r.q,
  author: { displayName: r.displayName, locality: r.locality, group: r.group },
});

/** A vote, as the set-based statements return it. */
export interface VotePair {
  q: number;
  p: number;
}

interface VoteBatchStatements {
  lock: Prepared<[number[]], VoteTarget & { id: number; votes: number }>;
  insert: Prepared<[number[], number[]], VotePair>;
  remove: Prepared<[number[], number[]], VotePair>;
  bump: Prepared<[number[], number[]], { id: number; votes: number }>;
}

/** Advisory lock class of a session's question numbering (the two-int form; the second int is the session id). */
const NUMBERING_LOCK_CLASS = 7262;

export class QuestionsRepo {
  // Votes are the hot path (thousands a second in a vote storm): plain
  // prepared statements, no query building per call.
  private readonly voteTargetStmt: Prepared<[number], VoteTarget>;
  private readonly insertVoteStmt: Prepared<[number, number], never>;
  private readonly deleteVoteStmt: Prepared<[number, number], never>;
  private readonly bumpStmt: Prepared<[number, number], { votes: number }>;
  private readonly votesStmt: Prepared<[number], { votes: number }>;
  private readonly venueOfStmt: Prepared<[number], { v: number | null }>;
  private readonly venueNameOfStmt: Prepared<[number], { id: number; name: string }>;
  private readonly nextNumberStmt: Prepared<[number], { n: number }>;
  private readonly mergeVotersStmt: Prepared<[number, number], never>;
  /** Sets a question's count from its votes (both parameters: the question's id). */
  private readonly recountStmt: Prepared<[number, number], { votes: number }>;
  private readonly dropVotesOfStmt: Prepared<[number], { id: number }>;
  private readonly votedByStmt: Prepared<[number, number], { id: number }>;
  private readonly sessionOfVenueStmt: Prepared<[number], { s: number }>;
  private readonly lockStmt: Prepared<[number], { id: number }>;
  private readonly numberingLockStmt: Prepared<[number], unknown>;
  private readonly withAuthorColumns: ReturnType<typeof withAuthorColumnsOf>;

  constructor(private readonly port: DbPort) {
    this.withAuthorColumns = withAuthorColumnsOf(port.t);
    // On PostgreSQL the question row is locked while a vote is checked and
    // counted (the lock its counter update takes anyway): a moderator's
    // reject or merge waits for it, or it sees the new status.
    this.voteTargetStmt = port.prepare({
      sqlite: `SELECT q.session_id AS sessionId, q.status AS status, q.participant_id AS participantId, s.status AS sessionStatus
       FROM questions q JOIN sessions s ON s.id = q.session_id WHERE q.id = ?`,
      pg: `SELECT q.session_id AS "sessionId", q.status AS status, q.participant_id AS "participantId", s.status AS "sessionStatus"
       FROM questions q JOIN sessions s ON s.id = q.session_id WHERE q.id = $1 FOR NO KEY UPDATE OF q`,
    });
    this.insertVoteStmt = port.prepare({
      sqlite: 'INSERT OR IGNORE INTO votes (question_id, participant_id) VALUES (?, ?)',
      pg: 'INSERT INTO votes (question_id, participant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    });
    this.deleteVoteStmt = port.prepare({
      sqlite: 'DELETE FROM votes WHERE question_id = ? AND participant_id = ?',
      pg: 'DELETE FROM votes WHERE question_id = $1 AND participant_id = $2',
    });
    this.bumpStmt = port.prepare({
      sqlite: 'UPDATE questions SET votes = votes + ? WHERE id = ? RETURNING votes',
      pg: 'UPDATE questions SET votes = votes + $1 WHERE id = $2 RETURNING votes',
    });
    this.votesStmt = port.prepare({ sqlite: 'SELECT votes FROM questions WHERE id = ?', pg: 'SELECT votes FROM questions WHERE id = $1' });
    this.venueOfStmt = port.prepare({
      sqlite: 'SELECT venue_id AS v FROM participants WHERE id = ?',
      pg: 'SELECT venue_id AS v FROM participants WHERE id = $1',
    });
    // Every participant's session:join asks for it.
    this.venueNameOfStmt = port.prepare({
      sqlite: 'SELECT v.id AS id, v.name AS name FROM participants p JOIN venues v ON v.id = p.venue_id WHERE p.id = ?',
      pg: 'SELECT v.id AS id, v.name AS name FROM participants p JOIN venues v ON v.id = p.venue_id WHERE p.id = $1',
    });
    // Every submission asks for it (the unique index on (session_id, number) makes it one index seek).
    this.nextNumberStmt = port.prepare({
      sqlite: 'SELECT coalesce(max(number), 0) + 1 AS n FROM questions WHERE session_id = ?',
      pg: 'SELECT coalesce(max(number), 0) + 1 AS n FROM questions WHERE session_id = $1',
    });
    this.mergeVotersStmt = port.prepare({
      sqlite: 'INSERT OR IGNORE INTO votes (question_id, participant_id, created_at) SELECT ?, participant_id, created_at FROM votes WHERE question_id = ?',
      pg: 'INSERT INTO votes (question_id, participant_id, created_at) SELECT $1, participant_id, created_at FROM votes WHERE question_id = $2 ON CONFLICT DO NOTHING',
    });
    this.recountStmt = port.prepare({
      sqlite: 'UPDATE questions SET votes = (SELECT count(*) FROM votes WHERE question_id = ?) WHERE id = ? RETURNING votes',
      pg: 'UPDATE questions SET votes = (SELECT count(*) FROM votes WHERE question_id = $1) WHERE id = $2 RETURNING votes',
    });
    // One statement: a vote cast between a read and a delete cannot be dropped without its recount.
    this.dropVotesOfStmt = port.prepare({
      sqlite: 'DELETE FROM votes WHERE participant_id = ? RETURNING question_id AS id',
      pg: 'DELETE FROM votes WHERE participant_id = $1 RETURNING question_id AS id',
    });
    this.votedByStmt = port.prepare({
      sqlite: 'SELECT v.question_id AS id FROM votes v JOIN questions q ON q.id = v.question_id WHERE q.session_id = ? AND v.participant_id = ?',
      pg: 'SELECT v.question_id AS id FROM votes v JOIN questions q ON q.id = v.question_id WHERE q.session_id = $1 AND v.participant_id = $2',
    });
    this.sessionOfVenueStmt = port.prepare({
      sqlite: 'SELECT session_id AS s FROM venues WHERE id = ?',
      pg: 'SELECT session_id AS s FROM venues WHERE id = $1',
    });
    // SQLite's write transactions are serial already; PostgreSQL's take the row.
    this.lockStmt = port.prepare({
      sqlite: 'SELECT id FROM questions WHERE id = ?',
      pg: 'SELECT id FROM questions WHERE id = $1 FOR NO KEY UPDATE',
    });
    // The two-int form (class, session): a lock space apart from the bigint keys of PG_LOCKS and the register's.
    this.numberingLockStmt = port.prepare({ sqlite: 'SELECT ?', pg: `SELECT pg_advisory_xact_lock(${NUMBERING_LOCK_CLASS}, $1) AS locked` });
  }

  /**
   * PostgreSQL's set-based vote batch (see vote-batch.ts): one statement
   * each, whatever the number of votes. Made on first use, on PostgreSQL only.
   */
  private get batchStmts(): VoteBatchStatements {
    if (this.port.dialect !== 'pg') throw new Error('the set-based vote batch is for PostgreSQL');
    const pg = <P extends unknown[], R>(text: string) => this.port.prepare<P, R>({ sqlite: '', pg: text });
    return (this.batch ??= {
      // Counter rows first, in id order: two nodes' batches never wait on each other in a cycle.
      lock: pg(`SELECT q.id, q.session_id AS "sessionId", q.status, q.participant_id AS "participantId", q.votes, s.status AS "sessionStatus"
                FROM questions q JOIN sessions s ON s.id = q.session_id
                WHERE q.id = ANY($1::int[]) ORDER BY q.id FOR NO KEY UPDATE OF q`),
      insert: pg(`INSERT INTO votes (question_id, participant_id) SELECT * FROM unnest($1::int[], $2::int[])
                  ON CONFLICT DO NOTHING RETURNING question_id AS q, participant_id AS p`),
      remove: pg(`DELETE FROM votes v USING unnest($1::int[], $2::int[]) AS r(q, p)
                  WHERE v.question_id = r.q AND v.participant_id = r.p RETURNING v.question_id AS q, v.participant_id AS p`),
      bump: pg(`UPDATE questions q SET votes = q.votes + d.delta FROM unnest($1::int[], $2::int[]) AS d(id, delta)
                WHERE q.id = d.id RETURNING q.id, q.votes`),
    });
  }
  private batch?: VoteBatchStatements;

  /** Locks the questions' counter rows (id order) and reads what a vote on each is checked against. */
  async lockVoteTargets(ids: number[]): Promise<Map<number, VoteTarget & { votes: number }>> {
    const rows = await this.batchStmts.lock.all([...ids].sort((a, b) => a - b));
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Inserts the (question, participant) votes not there yet; returns those inserted. */
  insertVotes(questionIds: number[], participantIds: number[]): Promise<VotePair[]> {
    return this.batchStmts.insert.all(questionIds, participantIds);
  }

  /** Deletes these votes where they exist; returns those deleted. */
  deleteVotes(questionIds: number[], participantIds: number[]): Promise<VotePair[]> {
    return this.batchStmts.remove.all(questionIds, participantIds);
  }

  /** Adds each delta to its question's counter; returns the new counts. */
  async bumpVotes(questionIds: number[], deltas: number[]): Promise<Map<number, number>> {
    const rows = await this.batchStmts.bump.all(questionIds, deltas);
    return new Map(rows.map((r) => [r.id, r.votes]));
  }

  async voteTarget(questionId: number): Promise<VoteTarget | undefined> {
    return this.voteTargetStmt.get(questionId);
  }

  /** Adds a vote if absent; returns the new count. Call inside a transaction. */
  async addVote(questionId: number, participantId: number): Promise<number> {
    const changes = await this.insertVoteStmt.run(questionId, participantId);
    return changes ? (await this.bumpStmt.get(1, questionId))!.votes : (await this.votesStmt.get(questionId))!.votes;
  }

  async removeVote(questionId: number, participantId: number): Promise<number> {
    const changes = await this.deleteVoteStmt.run(questionId, participantId);
    return changes ? (await this.bumpStmt.get(-1, questionId))!.votes : (await this.votesStmt.get(questionId))!.votes;
  }

  /**
   * Copies the source's voters onto the target (each person once) and
   * recounts it. Call inside a transaction that holds the target's row
   * (`lockedById`): a vote counted meanwhile would be counted twice or lost.
   */
  async mergeVotes(sourceId: number, targetId: number): Promise<number> {
    await this.mergeVotersStmt.run(targetId, sourceId);
    return (await this.recountStmt.get(targetId, targetId))!.votes;
  }

  /**
   * Takes away every vote of one participant and recounts the questions it
   * had voted for (merge targets included: a merge copies voters). Returns
   * the new counts. Call inside a transaction.
   */
  async removeAllVotesOf(participantId: number): Promise<{ questionId: number; votes: number }[]> {
    const ids = (await this.dropVotesOfStmt.all(participantId)).map((r) => r.id);
    const out: { questionId: number; votes: number }[] = [];
    for (const id of ids) out.push({ questionId: id, votes: (await this.recountStmt.get(id, id))!.votes });
    return out;
  }

  /** Every question of this participant becomes anonymous (its author's data was erased). */
  async makeAnonymous(participantId: number): Promise<void> {
    const { questions } = this.port.t;
    await this.port.q.update(questions).set({ anonymous: true }).where(eq(questions.participantId, participantId));
  }

  /** Ids and statuses of one participant's questions. */
  async ofParticipant(participantId: number): Promise<{ id: number; sessionId: number; status: QuestionRow['status'] }[]> {
    const { questions } = this.port.t;
    return this.port.q
      .select({ id: questions.id, sessionId: questions.sessionId, status: questions.status })
      .from(questions)
      .where(eq(questions.participantId, participantId));
  }

  async votedBy(sessionId: number, participantId: number): Promise<number[]> {
    return (await this.votedByStmt.all(sessionId, participantId)).map((r) => r.id);
  }

  /** Current vote counts of a session's questions (all of them, or these ids), with their status. */
  async voteCounts(sessionId: number, ids?: readonly number[]): Promise<{ id: number; votes: number; status: QuestionRow['status'] }[]> {
    const { questions } = this.port.t;
    const where = ids ? and(eq(questions.sessionId, sessionId), inArray(questions.id, [...ids])) : eq(questions.sessionId, sessionId);
    return this.port.q.select({ id: questions.id, votes: questions.votes, status: questions.status }).from(questions).where(where);
  }

  async byId(id: number): Promise<QuestionRow | undefined> {
    const { questions } = this.port.t;
    return (await this.port.q.select().from(questions).where(eq(questions.id, id)).limit(1))[0];
  }

  /**
   * The question as it stands now, its row held until the transaction ends
   * (PostgreSQL: FOR NO KEY UPDATE; SQLite's write transactions run one at a time).
   * For a read-then-write: the checks made on it stay true until the write.
   * Call inside a transaction.
   */
  async lockedById(id: number): Promise<QuestionRow | undefined> {
    if (!(await this.lockStmt.get(id))) return undefined;
    return this.byId(id);
  }

  async withAuthor(id: number): Promise<QuestionWithAuthor | undefined> {
    const { questions, participants } = this.port.t;
    const [r] = await this.port.q
      .select(this.withAuthorColumns)
      .from(questions)
      .innerJoin(participants, eq(participants.id, questions.participantId))
      .where(eq(questions.id, id))
      .limit(1);
    return r && toWithAuthor(r);
  }

  async listWithAuthor(sessionId: number): Promise<QuestionWithAuthor[]> {
    const { questions, participants } = this.port.t;
    const rows = await this.port.q
      .select(this.withAuthorColumns)
      .from(questions)
      .innerJoin(participants, eq(participants.id, questions.participantId))
      .where(eq(questions.sessionId, sessionId))
      .orderBy(asc(questions.id));
    return rows.map(toWithAuthor);
  }

  /** One participant's questions in a session, oldest first. */
  async listWithAuthorBy(sessionId: number, participantId: number): Promise<QuestionWithAuthor[]> {
    const { questions, participants } = this.port.t;
    const rows = await this.port.q
      .select(this.withAuthorColumns)
      .from(questions)
      .innerJoin(participants, eq(participants.id, questions.participantId))
      .where(and(eq(questions.sessionId, sessionId), eq(questions.participantId, participantId)))
      .orderBy(asc(questions.id));
    return rows.map(toWithAuthor);
  }

  async byClientId(participantId: number, clientId: string): Promise<QuestionRow | undefined> {
    const { questions } = this.port.t;
    return (
      await this.port.q
        .select()
        .from(questions)
        .where(and(eq(questions.participantId, participantId), eq(questions.clientId, clientId)))
        .limit(1)
    )[0];
  }

  /** Recent questions of the session that a new one may duplicate. */
  async recentComparable(sessionId: number, limit: number): Promise<{ id: number; text: string }[]> {
    const { questions } = this.port.t;
    return this.port.q
      .select({ id: questions.id, text: questions.text })
      .from(questions)
      .where(and(eq(questions.sessionId, sessionId), inArray(questions.status, ['pending', 'approved', 'on_stage', 'answered', 'deferred'])))
      .orderBy(desc(questions.id))
      .limit(limit);
  }

  /** The session a linked venue belongs to, if the venue exists. */
  async sessionOfVenue(venueId: number): Promise<number | undefined> {
    return (await this.sessionOfVenueStmt.get(venueId))?.s;
  }

  /**
   * Holds the session's question numbering until the transaction ends
   * (PostgreSQL; SQLite's write transactions are serial already). Without it,
   * questions sent to several nodes at once all read the same next number and
   * all but one fail on the unique index and retry, again and again under
   * load: the bench's two nodes saw half the questions of a storm give up.
   */
  async lockNumbering(sessionId: number): Promise<void> {
    if (this.port.dialect === 'pg') await this.numberingLockStmt.get(sessionId);
  }

  /**
   * The next number within the session. Call after `lockNumbering`; the
   * unique index questions_session_number is still the guard.
   */
  async nextNumber(sessionId: number): Promise<number> {
    return Number((await this.nextNumberStmt.get(sessionId))!.n);
  }

  async insert(row: NewQuestionRow): Promise<QuestionRow> {
    return (await this.port.q.insert(this.port.t.questions).values(row).returning())[0]!;
  }

  async update(id: number, patch: Partial<NewQuestionRow>): Promise<QuestionRow> {
    const { questions } = this.port.t;
    // The version raised here, not only by the trigger: SQLite's RETURNING does not see what an AFTER trigger wrote.
    return (await this.port.q.update(questions).set({ ...patch, version: sql`${questions.version} + 1` }).where(eq(questions.id, id)).returning())[0]!;
  }

  /**
   * Sends the session's question on stage, if any other than `exceptId`, back
   * to the queue. Returns the ids it moved (at most one: the unique index
   * questions_one_on_stage). Call inside a transaction.
   */
  async unstageOthers(sessionId: number, exceptId: number, now: string): Promise<number[]> {
    const { questions } = this.port.t;
    const rows = await this.port.q
      .update(questions)
      .set({ status: 'approved', updatedAt: now })
      .where(and(eq(questions.sessionId, sessionId), eq(questions.status, 'on_stage'), ne(questions.id, exceptId)))
      .returning({ id: questions.id });
    return rows.map((r) => r.id);
  }

  /** The question the session shows on stage. */
  async setStage(sessionId: number, questionId: number): Promise<void> {
    const { sessions } = this.port.t;
    await this.port.q.update(sessions).set({ stageQuestionId: questionId }).where(eq(sessions.id, sessionId));
  }

  /** Frees the stage if this question is on it; whether it was. */
  async clearStageOf(sessionId: number, questionId: number): Promise<boolean> {
    const { sessions } = this.port.t;
    const rows = await this.port.q
      .update(sessions)
      .set({ stageQuestionId: null })
      .where(and(eq(sessions.id, sessionId), eq(sessions.stageQuestionId, questionId)))
      .returning({ id: sessions.id });
    return rows.length > 0;
  }

  /** The venue a participant joined by (null: the main hall). */
  async venueOfParticipant(participantId: number): Promise<number | null> {
    return (await this.venueOfStmt.get(participantId))?.v ?? null;
  }

  /** The linked venue a participant joined by, with its name (undefined: the main hall). */
  async venueNameOfParticipant(participantId: number): Promise<{ id: number; name: string } | undefined> {
    return this.venueNameOfStmt.get(participantId);
  }

  /** The person a question is taken for (floor, paper, hotline, SMS): a participant row without a token. */
  async insertProxyParticipant(row: typeof participants.$inferInsert): Promise<number> {
    const { participants } = this.port.t;
    return (await this.port.q.insert(participants).values(row).returning({ id: participants.id }))[0]!.id;
  }

  /** Answers, commitments and follow-ups for the given questions, grouped by question. */
  async contextFor(questionIds: number[]): Promise<Map<number, QuestionContext>> {
    const { answers, commitments, followUps } = this.port.t;
    const out = new Map<number, QuestionContext>();
    if (questionIds.length === 0) return out;
    for (const id of questionIds) out.set(id, { answers: [], commitments: [], followUp: null });
    // Chunk to stay far below SQLite's bound-parameter limit.
    for (let i = 0; i < questionIds.length; i += 500) {
      const ids = questionIds.slice(i, i + 500);
      for (const a of await this.port.q.select().from(answers).where(inArray(answers.questionId, ids)).orderBy(asc(answers.id)))
        out.get(a.questionId)!.answers.push(a);
      for (const c of await this.port.q.select().from(commitments).where(inArray(commitments.questionId, ids)).orderBy(asc(commitments.id)))
        out.get(c.questionId)!.commitments.push(c);
      for (const f of await this.port.q.select().from(followUps).where(inArray(followUps.questionId, ids))) out.get(f.questionId)!.followUp = f;
    }
    return out;
  }

  async insertFollowUp(row: typeof followUps.$inferInsert): Promise<FollowUpRow> {
    const { followUps } = this.port.t;
    const rows = await this.port.q
      .insert(followUps)
      .values(row)
      .onConflictDoUpdate({
        target: followUps.questionId,
        set: { agency: row.agency, supportingAgencies: row.supportingAgencies ?? '[]', deadline: row.deadline, updatedAt: nowIso() },
      })
      .returning();
    return rows[0]!;
  }
}
