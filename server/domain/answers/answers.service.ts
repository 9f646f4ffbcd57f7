import type { Question } from '../../../shared/schemas/entities';
import type { QuestionStatus } from '../../../shared/schemas/enums';
import type { AnswerBody, CommitmentUpdateBody } from '../../../shared/schemas/requests';
import type { DbPort } from '../../db/port';
import { AnswersRepo } from './answers.repo';
import { requireStaff, type Actor, type StaffActor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError, fail } from '../errors';
import type { DomainEvents } from '../events';
import type { CommitmentRow, QuestionRow } from '../questions/questions.repo';
import type { QuestionsService } from '../questions/questions.service';
import type { SessionsService } from '../sessions/sessions.service';
import { cleanLine, cleanLineOrNull, cleanMultiline } from '../../../shared/text';

const requireText = (s: string): string => s || fail('INVALID_PAYLOAD', 'the text is empty once invisible characters are removed');

/** Questions that were taken up (or will be, in writing) and so can carry an answer. */
const ANSWERABLE: readonly QuestionStatus[] = ['approved', 'on_stage', 'answered', 'deferred'];

export class AnswersService {
  readonly repo: AnswersRepo;

  constructor(
    private readonly port: DbPort,
    private readonly events: DomainEvents,
    private readonly questions: QuestionsService,
    private readonly sessions: SessionsService,
  ) {
    this.repo = new AnswersRepo(port);
  }

  /**
   * Who answered: a seat of the session's panel, never free text. A leader
   * answers from their own seat; the secretariat names the seat. A written
   * answer comes from the agency of its follow-up and needs no seat.
   */
  private async seatFor(staff: StaffActor, sessionId: number, kind: 'live' | 'written', seatId: number | null | undefined) {
    const panel = await this.sessions.repo.panelOf([sessionId]);
    if (staff.role === 'leader') {
      const own = panel.find((p) => p.userId === staff.userId);
      if (own) {
        if (seatId != null && seatId !== own.id) throw new DomainError('PANEL_SEAT_INVALID', 'a leader answers from their own seat');
        return own;
      }
    }
    if (seatId == null) {
      if (kind === 'live') throw new DomainError('PANEL_SEAT_REQUIRED', 'name the panel member who answered');
      return null;
    }
    const seat = panel.find((p) => p.id === seatId);
    if (!seat) throw new DomainError('PANEL_SEAT_INVALID', `seat ${seatId} is not on this session's panel`);
    return seat;
  }

  /**
   * Records a live answer summary (public at once) or a written answer (kept
   * for the secretariat until published), with any commitments made. Goes on
   * after the session is closed: follow-up is the point of the record.
   */
  async record(actor: Actor, questionId: number, body: AnswerBody): Promise<Question> {
    requireStaff(actor, ['secretary', 'leader', 'admin']);
    const q = await this.questions.repo.byId(questionId);
    if (!q) throw new DomainError('QUESTION_NOT_FOUND');
    const staff = await this.sessions.requireStaffOf(actor, q.sessionId, ['secretary', 'leader', 'admin']);
    const sessionStatus = (await this.sessions.row(q.sessionId)).status;
    /** The question can take this answer: checked first, and again on the row held in the transaction. */
    const answerable = async (cur: QuestionRow) => {
      // Archived: only the written follow-up of deferred questions goes on.
      if (sessionStatus === 'archived' && (body.kind !== 'written' || cur.status !== 'deferred')) {
        throw new DomainError('SESSION_ARCHIVED', 'the session is archived: only written answers to deferred questions go on');
      }
      if (!ANSWERABLE.includes(cur.status)) throw new DomainError('ILLEGAL_QUESTION_STATE', `a ${cur.status} question cannot be answered`);
      // A written answer is the end of a follow-up: without one there is no
      // agency, deadline or publication step to track it by.
      const followUp = body.kind === 'written' ? await this.repo.followUpOf(questionId) : undefined;
      if (body.kind === 'written' && !followUp) {
        throw new DomainError('ILLEGAL_QUESTION_STATE', 'defer the question to written follow-up (agency, deadline) before recording a written answer');
      }
      return followUp;
    };
    await answerable(q);
    const seat = await this.seatFor(staff, q.sessionId, body.kind, body.panelSeatId);
    const now = nowIso();
    const previousStatus = await this.port.tx(async () => {
      const cur = (await this.questions.repo.lockedById(questionId))!;
      const followUp = await answerable(cur);
      const answer = await this.repo.insertAnswer({
        questionId,
        kind: body.kind,
        text: requireText(cleanMultiline(body.text)),
        panelSeatId: seat?.id ?? null,
        // The name as it stood when answered: the record keeps it if the panel changes.
        // A written answer without a seat comes from the agency it was deferred to.
        answeredBy: seat ? [seat.name, seat.title].filter(Boolean).join(', ') : (followUp?.agency ?? null),
        authorUserId: staff.userId,
        createdAt: now,
        publishedAt: body.kind === 'live' ? now : null,
      });
      const made: CommitmentRow[] = [];
      for (const c of body.commitments ?? []) {
        made.push(
          await this.repo.insertCommitment({
            questionId,
            answerId: answer.id,
            text: requireText(cleanMultiline(c.text)),
            agency: requireText(cleanLine(c.agency)),
            deadline: c.deadline ?? null,
          }),
        );
      }
      if (body.kind === 'written') await this.repo.linkWrittenAnswer(questionId, answer.id, now);
      await recordAudit(this.port, actor, {
        action: `answer.${body.kind}`,
        entity: 'question',
        entityId: questionId,
        sessionId: q.sessionId,
        after: { answer, commitments: made },
      });
      return cur.status;
    });
    this.events.emit('question:changed', { sessionId: q.sessionId, questionId, created: false, previousStatus });
    return this.questions.get(actor, questionId);
  }

  /** Tracks a commitment made at the session: its status, agency, deadline. */
  async updateCommitment(actor: Actor, id: number, body: CommitmentUpdateBody): Promise<Question> {
    requireStaff(actor, ['secretary', 'admin']);
    const seen = await this.repo.commitmentById(id);
    if (!seen) throw new DomainError('NOT_FOUND', `no commitment ${id}`);
    const q = (await this.questions.repo.byId(seen.questionId))!;
    await this.sessions.requireStaffOf(actor, q.sessionId, ['secretary', 'admin']);
    if ((await this.sessions.row(q.sessionId)).status === 'archived') {
      throw new DomainError('SESSION_ARCHIVED', 'the session is archived: its commitments are part of the record');
    }
    await this.port.tx(async () => {
      // The audit's "before" is the row as it stands when changed, not as first read.
      const before = (await this.repo.lockedCommitment(id))!;
      const after = await this.repo.updateCommitment(id, {
        ...(body.status !== undefined && { status: body.status }),
        ...(body.agency !== undefined && { agency: requireText(cleanLine(body.agency)) }),
        ...(body.deadline !== undefined && { deadline: body.deadline }),
        updatedAt: nowIso(),
      });
      await recordAudit(this.port, actor, { action: 'commitment.update', entity: 'commitment', entityId: id, sessionId: q.sessionId, before, after });
    });
    this.events.emit('question:changed', { sessionId: q.sessionId, questionId: q.id, created: false, previousStatus: q.status });
    return this.questions.get(actor, q.id);
  }
}
