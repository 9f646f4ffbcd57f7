import { eq } from 'drizzle-orm';
import type { Question } from '../../../shared/schemas/entities';
import type { QuestionStatus } from '../../../shared/schemas/enums';
import type { AnswerBody, CommitmentUpdateBody } from '../../../shared/schemas/requests';
import type { Db } from '../../db/client';
import { answers, commitments, followUps } from '../../db/schema';
import { requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError } from '../errors';
import type { DomainEvents } from '../events';
import type { QuestionsService } from '../questions/questions.service';

/** Questions that were taken up (or will be, in writing) and so can carry an answer. */
const ANSWERABLE: readonly QuestionStatus[] = ['approved', 'on_stage', 'answered', 'deferred'];

export class AnswersService {
  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
    private readonly questions: QuestionsService,
  ) {}

  /**
   * Records a live answer summary (public at once) or a written answer (kept
   * for the secretariat until published), with any commitments made. Goes on
   * after the session is closed: follow-up is the point of the record.
   */
  record(actor: Actor, questionId: number, body: AnswerBody): Question {
    const staff = requireStaff(actor, ['secretary', 'leader', 'admin']);
    const q = this.questions.repo.byId(questionId);
    if (!q) throw new DomainError('QUESTION_NOT_FOUND');
    if (!ANSWERABLE.includes(q.status)) throw new DomainError('ILLEGAL_QUESTION_STATE', `a ${q.status} question cannot be answered`);
    // A written answer is the end of a follow-up: without one there is no
    // agency, deadline or publication step to track it by.
    if (body.kind === 'written' && !this.db.select({ id: followUps.id }).from(followUps).where(eq(followUps.questionId, questionId)).get()) {
      throw new DomainError('ILLEGAL_QUESTION_STATE', 'defer the question to written follow-up (agency, deadline) before recording a written answer');
    }
    const now = nowIso();
    this.db.transaction(() => {
      const answer = this.db
        .insert(answers)
        .values({
          questionId,
          kind: body.kind,
          text: body.text.normalize('NFC').trim(),
          answeredBy: body.answeredBy?.trim() || (staff.role === 'leader' ? staff.displayName : null),
          authorUserId: staff.userId,
          createdAt: now,
          publishedAt: body.kind === 'live' ? now : null,
        })
        .returning()
        .get();
      const made = (body.commitments ?? []).map((c) =>
        this.db
          .insert(commitments)
          .values({ questionId, answerId: answer.id, text: c.text.trim(), agency: c.agency.trim(), deadline: c.deadline ?? null })
          .returning()
          .get(),
      );
      if (body.kind === 'written') {
        this.db.update(followUps).set({ answerId: answer.id, updatedAt: now }).where(eq(followUps.questionId, questionId)).run();
      }
      recordAudit(this.db, actor, {
        action: `answer.${body.kind}`,
        entity: 'question',
        entityId: questionId,
        sessionId: q.sessionId,
        after: { answer, commitments: made },
      });
    });
    this.events.emit('question:changed', { sessionId: q.sessionId, questionId, created: false, previousStatus: q.status });
    return this.questions.get(actor, questionId);
  }

  /** Tracks a commitment made at the session: its status, agency, deadline. */
  updateCommitment(actor: Actor, id: number, body: CommitmentUpdateBody): Question {
    requireStaff(actor, ['secretary', 'admin']);
    const before = this.db.select().from(commitments).where(eq(commitments.id, id)).get();
    if (!before) throw new DomainError('NOT_FOUND', `no commitment ${id}`);
    const q = this.questions.repo.byId(before.questionId)!;
    this.db.transaction(() => {
      const after = this.db
        .update(commitments)
        .set({
          ...(body.status !== undefined && { status: body.status }),
          ...(body.agency !== undefined && { agency: body.agency.trim() }),
          ...(body.deadline !== undefined && { deadline: body.deadline }),
          updatedAt: nowIso(),
        })
        .where(eq(commitments.id, id))
        .returning()
        .get();
      recordAudit(this.db, actor, { action: 'commitment.update', entity: 'commitment', entityId: id, sessionId: q.sessionId, before, after });
    });
    this.events.emit('question:changed', { sessionId: q.sessionId, questionId: q.id, created: false, previousStatus: q.status });
    return this.questions.get(actor, q.id);
  }
}
