import type { SessionSnapshot, VoteResult } from '../../../shared/events';
import type { Question } from '../../../shared/schemas/entities';
import type { ModerationAction, QuestionStatus } from '../../../shared/schemas/enums';
import type { ModerateBody, SubmitQuestionBody } from '../../../shared/schemas/requests';
import type { Db } from '../../db/client';
import { sessions } from '../../db/schema';
import { eq } from 'drizzle-orm';
import { requireMemberOf, requireParticipant, requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError } from '../errors';
import type { DomainEvents } from '../events';
import { RateLimiter } from '../rate-limiter';
import { acceptsQuestions, acceptsVotes, isActive } from '../sessions/lifecycle';
import type { SessionRow } from '../sessions/sessions.repo';
import type { SessionsService } from '../sessions/sessions.service';
import { likelyDuplicates, looksAbusive } from './moderation-aids';
import { isPublicStatus, toQuestionView, type Audience } from './question-view';
import { QuestionsRepo, type QuestionRow, type QuestionWithAuthor } from './questions.repo';
import { generateTrackingCode } from './tracking-code';

export interface QuestionLimits {
  questionsPerMinute: number;
  votesPerMinute: number;
}

/** Where each moderation action may start from. */
const FROM: Record<ModerationAction, readonly QuestionStatus[]> = {
  approve: ['pending', 'rejected'],
  reject: ['pending', 'approved'],
  edit: ['pending', 'approved', 'rejected', 'on_stage', 'answered', 'deferred'],
  merge: ['pending', 'approved', 'rejected'],
  tag: ['pending', 'approved', 'rejected', 'on_stage', 'answered', 'deferred'],
  assign: ['pending', 'approved', 'rejected', 'on_stage', 'answered', 'deferred'],
  note: ['pending', 'approved', 'on_stage', 'answered', 'deferred'],
  pin: ['approved', 'on_stage'],
  unpin: ['approved', 'on_stage', 'answered', 'deferred'],
  stage: ['approved'],
  unstage: ['on_stage'],
  answered: ['approved', 'on_stage'],
  defer: ['pending', 'approved', 'on_stage', 'answered'],
};

const MERGE_TARGET_STATUSES: readonly QuestionStatus[] = ['pending', 'approved', 'on_stage', 'answered', 'deferred'];
const VOTABLE: readonly QuestionStatus[] = ['approved', 'on_stage'];
/** Actions that move the live queue: they stop when the session is closed. */
const LIVE_ONLY: readonly ModerationAction[] = ['stage', 'unstage', 'pin'];

/** Unicode-normalised and trimmed, so the length limit counts what a person sees. */
const cleanText = (text: string): string => text.normalize('NFC').trim();
const charCount = (text: string): number => [...text].length;

export class QuestionsService {
  readonly repo: QuestionsRepo;
  private readonly questionLimiter: RateLimiter;
  private readonly voteLimiter: RateLimiter;

  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
    private readonly sessions: SessionsService,
    limits: QuestionLimits,
  ) {
    this.repo = new QuestionsRepo(db);
    // Bursts: a few questions at once is normal; a vote burst of 30 is a
    // person scrolling and tapping quickly.
    this.questionLimiter = new RateLimiter(limits.questionsPerMinute, Math.max(3, Math.ceil(limits.questionsPerMinute / 2)));
    this.voteLimiter = new RateLimiter(limits.votesPerMinute, Math.max(30, limits.votesPerMinute / 2));
  }

  // ---- reading ---------------------------------------------------------------

  private audienceOf(actor: Actor, q: QuestionRow): Audience | null {
    if (actor.kind === 'staff') return 'staff';
    if (actor.kind === 'participant' && actor.sessionId === q.sessionId) {
      if (q.participantId === actor.participantId) return 'author';
      return isPublicStatus(q.status) ? 'public' : null;
    }
    return null;
  }

  /** The question shaped for each audience, read once (the realtime layer broadcasts these). */
  views(id: number): Record<Audience, Question> | null {
    const q = this.repo.withAuthor(id);
    if (!q) return null;
    const ctx = this.repo.contextFor([id]).get(id);
    return {
      staff: toQuestionView(q, 'staff', ctx),
      public: toQuestionView(q, 'public', ctx),
      author: toQuestionView(q, 'author', ctx),
    };
  }

  get(actor: Actor, id: number): Question {
    const q = this.repo.withAuthor(id);
    if (!q) throw new DomainError('QUESTION_NOT_FOUND');
    requireMemberOf(actor, q.sessionId);
    const audience = this.audienceOf(actor, q);
    if (!audience) throw new DomainError('QUESTION_NOT_FOUND');
    return toQuestionView(q, audience, this.repo.contextFor([id]).get(id));
  }

  /** Everything the actor may see in the session, oldest first. */
  list(actor: Actor, sessionId: number): Question[] {
    requireMemberOf(actor, sessionId);
    this.sessions.row(sessionId);
    const rows = this.repo.listWithAuthor(sessionId);
    const visible: { q: QuestionWithAuthor; audience: Audience }[] = [];
    for (const q of rows) {
      const audience = this.audienceOf(actor, q);
      if (audience) visible.push({ q, audience });
    }
    const ctx = this.repo.contextFor(visible.map((v) => v.q.id));
    return visible.map((v) => toQuestionView(v.q, v.audience, ctx.get(v.q.id)));
  }

  snapshot(actor: Actor, sessionId: number): Omit<SessionSnapshot, 'seq'> {
    const member = requireMemberOf(actor, sessionId);
    const session = this.sessions.row(sessionId);
    return {
      session: this.sessions.view(session),
      questions: this.list(actor, sessionId),
      stage: session.stageQuestionId ?? null,
      ...(member.kind === 'participant' && { myVotes: this.repo.votedBy(sessionId, member.participantId) }),
    };
  }

  // ---- participants ----------------------------------------------------------

  submit(actor: Actor, sessionId: number, body: SubmitQuestionBody): Question {
    const me = requireParticipant(actor, sessionId);
    // A retried emit returns the first question, before any limit or state
    // check could turn a success into an error on the second try.
    if (body.clientId) {
      const existing = this.repo.byClientId(me.participantId, body.clientId);
      if (existing) return this.get(actor, existing.id);
    }
    const session = this.sessions.row(sessionId);
    if (!acceptsQuestions(session.status)) {
      throw new DomainError(
        session.status === 'closed' || session.status === 'archived' ? 'SESSION_CLOSED' : 'SESSION_NOT_ACCEPTING',
        `questions are not accepted while the session is ${session.status}`,
      );
    }
    const text = cleanText(body.text);
    if (text.length === 0) throw new DomainError('QUESTION_EMPTY', 'the question is empty');
    if (charCount(text) > session.maxQuestionLength) {
      throw new DomainError('QUESTION_TOO_LONG', `at most ${session.maxQuestionLength} characters`);
    }
    const anonymous = body.anonymous ?? false;
    if (anonymous && !session.anonymousAllowed) throw new DomainError('ANONYMOUS_NOT_ALLOWED', 'this session does not take anonymous questions');
    this.questionLimiter.take(me.participantId, 'questions');

    const abusive = looksAbusive(text);
    const duplicateOf = likelyDuplicates(text, this.repo.recentComparable(sessionId, 300));
    // Post-moderation publishes at once, except what the abuse filter flags:
    // that waits for a moderator (a flag holds, it never rejects).
    const status: QuestionStatus = session.moderation === 'pre' || abusive ? 'pending' : 'approved';

    const row = this.db.transaction(() => {
      if (body.clientId) {
        const raced = this.repo.byClientId(me.participantId, body.clientId);
        if (raced) return raced;
      }
      let trackingCode = generateTrackingCode();
      while (this.repo.trackingCodeTaken(trackingCode)) trackingCode = generateTrackingCode();
      const inserted = this.repo.insert({
        sessionId,
        participantId: me.participantId,
        clientId: body.clientId ?? null,
        text,
        anonymous,
        status,
        trackingCode,
        flagAbusive: abusive,
        duplicateOf: JSON.stringify(duplicateOf),
      });
      recordAudit(this.db, actor, {
        action: 'question.submit',
        entity: 'question',
        entityId: inserted.id,
        sessionId,
        after: { status, anonymous, text, flagAbusive: abusive, duplicateOf },
      });
      return inserted;
    });
    this.events.emit('question:changed', { sessionId, questionId: row.id, created: true });
    return this.get(actor, row.id);
  }

  vote(actor: Actor, questionId: number): VoteResult {
    return this.castVote(actor, questionId, true);
  }

  unvote(actor: Actor, questionId: number): VoteResult {
    return this.castVote(actor, questionId, false);
  }

  private castVote(actor: Actor, questionId: number, add: boolean): VoteResult {
    if (actor.kind !== 'participant') {
      throw new DomainError(actor.kind === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN', 'only participants vote');
    }
    const target = this.repo.voteTarget(questionId);
    if (!target) throw new DomainError('QUESTION_NOT_FOUND');
    if (target.sessionId !== actor.sessionId) throw new DomainError('WRONG_SESSION', 'this question belongs to another session');
    const own = target.participantId === actor.participantId;
    if (!own && !isPublicStatus(target.status)) throw new DomainError('QUESTION_NOT_FOUND');
    if (!acceptsVotes(target.sessionStatus as SessionRow['status'])) {
      throw new DomainError(
        target.sessionStatus === 'closed' || target.sessionStatus === 'archived' ? 'SESSION_CLOSED' : 'SESSION_NOT_ACCEPTING',
        'voting is closed',
      );
    }
    if (add && !VOTABLE.includes(target.status)) {
      throw new DomainError('ILLEGAL_QUESTION_STATE', `a ${target.status} question takes no votes`);
    }
    this.voteLimiter.take(actor.participantId, 'votes');
    const votes = this.db.$client
      .transaction(() =>
        add ? this.repo.addVote(questionId, actor.participantId) : this.repo.removeVote(questionId, actor.participantId),
      )
      .immediate();
    this.events.emit('votes:changed', { sessionId: target.sessionId, questionId, votes });
    return { questionId, votes };
  }

  withdraw(actor: Actor, questionId: number): Question {
    const me = requireParticipant(actor);
    const q = this.repo.byId(questionId);
    if (!q || q.sessionId !== me.sessionId) throw new DomainError('QUESTION_NOT_FOUND');
    if (q.participantId !== me.participantId) throw new DomainError('FORBIDDEN', 'only the author can withdraw a question');
    if (!['pending', 'approved'].includes(q.status)) {
      throw new DomainError('ILLEGAL_QUESTION_STATE', `a ${q.status} question cannot be withdrawn`);
    }
    this.db.transaction(() => {
      const after = this.repo.update(q.id, { status: 'withdrawn', pinned: false, updatedAt: nowIso() });
      recordAudit(this.db, actor, { action: 'question.withdraw', entity: 'question', entityId: q.id, sessionId: q.sessionId, before: { status: q.status }, after: { status: after.status } });
    });
    this.events.emit('question:changed', { sessionId: q.sessionId, questionId: q.id, created: false, previousStatus: q.status });
    return this.get(actor, q.id);
  }

  // ---- staff -----------------------------------------------------------------

  moderate(actor: Actor, questionId: number, body: ModerateBody): Question {
    // Leaders mark the question they answered; everything else is the moderators'.
    const staff = requireStaff(actor, body.action === 'answered' ? ['moderator', 'admin', 'leader'] : ['moderator', 'admin']);
    const q = this.repo.byId(questionId);
    if (!q) throw new DomainError('QUESTION_NOT_FOUND');
    if (body.expectedUpdatedAt !== undefined && body.expectedUpdatedAt !== q.updatedAt) {
      throw new DomainError('CONFLICT', 'someone else changed this question; look again before acting');
    }
    if (!FROM[body.action].includes(q.status)) {
      throw new DomainError('ILLEGAL_QUESTION_STATE', `cannot ${body.action} a ${q.status} question`);
    }
    const session = this.sessions.row(q.sessionId);
    if (LIVE_ONLY.includes(body.action) && !isActive(session.status)) {
      throw new DomainError('SESSION_CLOSED', 'the session is closed: the stage no longer moves');
    }

    const now = nowIso();
    const changed: { id: number; previousStatus: QuestionStatus }[] = [];
    let stageChanged = false;
    let mergeVotes: number | null = null;

    this.db.transaction(() => {
      const patch: Partial<QuestionRow> = { updatedAt: now };
      const need = <T>(v: T | undefined, field: string): T => {
        if (v === undefined || v === null) throw new DomainError('INVALID_PAYLOAD', `${body.action} needs ${field}`);
        return v;
      };
      switch (body.action) {
        case 'approve':
          patch.status = 'approved';
          patch.rejectReason = null;
          break;
        case 'reject':
          patch.status = 'rejected';
          patch.rejectReason = need(body.reason, 'reason');
          patch.pinned = false;
          break;
        case 'edit': {
          const text = cleanText(need(body.text, 'text'));
          if (!text) throw new DomainError('QUESTION_EMPTY');
          patch.text = text;
          patch.originalText = q.originalText ?? q.text;
          break;
        }
        case 'merge': {
          const targetId = need(body.targetId, 'targetId');
          const target = this.repo.byId(targetId);
          if (!target || target.sessionId !== q.sessionId || target.id === q.id || !MERGE_TARGET_STATUSES.includes(target.status)) {
            throw new DomainError('MERGE_TARGET_INVALID', 'merge into another live question of the same session');
          }
          patch.status = 'merged';
          patch.mergedIntoId = target.id;
          patch.pinned = false;
          mergeVotes = this.repo.mergeVotes(q.id, target.id);
          this.repo.update(target.id, { updatedAt: now });
          changed.push({ id: target.id, previousStatus: target.status });
          break;
        }
        case 'tag':
          patch.topic = body.topic?.trim() || null;
          break;
        case 'assign':
          patch.assignee = body.assignee?.trim() || null;
          if (body.agency !== undefined) patch.agency = body.agency.trim() || null;
          break;
        case 'note':
          patch.briefingNote = body.note?.trim() || null;
          break;
        case 'pin':
          patch.pinned = true;
          break;
        case 'unpin':
          patch.pinned = false;
          break;
        case 'stage': {
          const previous = session.stageQuestionId ? this.repo.byId(session.stageQuestionId) : undefined;
          if (previous && previous.id !== q.id && previous.status === 'on_stage') {
            this.repo.update(previous.id, { status: 'approved', updatedAt: now });
            changed.push({ id: previous.id, previousStatus: 'on_stage' });
          }
          patch.status = 'on_stage';
          patch.stagedAt = now;
          this.db.update(sessions).set({ stageQuestionId: q.id }).where(eq(sessions.id, q.sessionId)).run();
          stageChanged = true;
          break;
        }
        case 'unstage':
          patch.status = 'approved';
          break;
        case 'answered':
          patch.status = 'answered';
          patch.answeredAt = now;
          patch.pinned = false;
          break;
        case 'defer': {
          const agency = need(body.agency, 'agency').trim();
          const deadline = need(body.deadline, 'deadline');
          if (Number.isNaN(Date.parse(`${deadline}T00:00:00Z`))) throw new DomainError('INVALID_PAYLOAD', 'deadline is not a date');
          patch.status = 'deferred';
          patch.agency = agency;
          patch.pinned = false;
          this.repo.insertFollowUp({ questionId: q.id, sessionId: q.sessionId, agency, deadline });
          break;
        }
      }
      // Leaving the stage in any way frees it.
      if (q.status === 'on_stage' && patch.status && patch.status !== 'on_stage' && session.stageQuestionId === q.id) {
        this.db.update(sessions).set({ stageQuestionId: null }).where(eq(sessions.id, q.sessionId)).run();
        stageChanged = true;
      }
      const after = this.repo.update(q.id, patch);
      changed.push({ id: q.id, previousStatus: q.status });
      recordAudit(this.db, actor, {
        action: `question.${body.action}`,
        entity: 'question',
        entityId: q.id,
        sessionId: q.sessionId,
        before: q,
        after,
      });
    });

    for (const c of changed) {
      this.events.emit('question:changed', { sessionId: q.sessionId, questionId: c.id, created: false, previousStatus: c.previousStatus });
    }
    if (mergeVotes !== null && body.targetId) {
      this.events.emit('votes:changed', { sessionId: q.sessionId, questionId: body.targetId, votes: mergeVotes });
    }
    if (stageChanged) {
      const stage = this.sessions.row(q.sessionId).stageQuestionId ?? null;
      this.events.emit('stage:changed', { sessionId: q.sessionId, questionId: stage });
    }
    void staff;
    return this.get(actor, q.id);
  }
}
