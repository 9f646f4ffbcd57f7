import type { SessionSnapshot, VoteResult } from '../../../shared/events';
import type { Question } from '../../../shared/schemas/entities';
import type { ModerationAction, QuestionChannel, QuestionStatus, Role } from '../../../shared/schemas/enums';
import type { ModerateBody, SubmitQuestionBody, TakenQuestionBody } from '../../../shared/schemas/requests';
import type { DbPort } from '../../db/port';
import type { GroupCommit } from '../../db/group-commit';
import { requireParticipant, requireStaff, SYSTEM, type Actor, type ParticipantActor } from '../actor';
import { distinctAgencies } from '../agencies';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError } from '../errors';
import type { DomainEvents } from '../events';
import { RateLimiter, type SharedBucket, type SharedLimits } from '../rate-limiter';
import { acceptsQuestions, acceptsVotes } from '../sessions/lifecycle';
import type { SessionRow } from '../sessions/sessions.repo';
import type { SessionsService } from '../sessions/sessions.service';
import { likelyDuplicates, looksAbusive } from './moderation-aids';
import { isPublicStatus, toQuestionView, type Audience } from './question-view';
import { QuestionsRepo, type QuestionRow, type QuestionWithAuthor, type VoteTarget } from './questions.repo';
import { PgVoteBatch } from './vote-batch';
import { generateTrackingCode } from './tracking-code';
import { SnapshotCache } from './snapshots';
import { VoteSurgeDetector } from './vote-surge';
import type { ParticipantRegistry } from '../participants/participant-registry';
import { cleanLine, cleanLineOrNull, cleanMultiline, cleanMultilineOrNull } from '../../../shared/text';
import { VENUE_MODERATOR_ACTIONS } from '../../../shared/constants';
import { OPINION_QUESTION_STATUSES, OpinionsRepo } from '../opinions/opinions.repo';
import { UnitsRepo } from '../opinions/units.repo';
import { holdSessionStatus } from '../sessions/status-lock';

export interface QuestionLimits {
  questionsPerMinute: number;
  votesPerMinute: number;
  /** Post-moderation publishes at most this many questions a minute per session; the rest wait for a moderator. */
  postModerationPublishPerMinute?: number;
  /** SMS questions per phone number per minute (0: no limit). */
  smsPerMinute?: number;
  /** Cluster mode: the vote and question budgets live in Redis and replace the in-memory ones. */
  shared?: Pick<SharedLimits, 'votes' | 'questions'> | null;
}

/**
 * Moderation as data: for each action, the question states it starts from,
 * who may take it, and whether it goes on once the session is closed.
 * Closed freezes the record of what was asked and how it was handled
 * (approve, reject, edit, merge, stage, pin…); answering, deferral to written
 * follow-up and classification go on. Archived: no moderation at all.
 */
interface ModerationRule {
  from: readonly QuestionStatus[];
  roles: readonly Role[];
  afterClose: boolean;
}
const DESK: readonly Role[] = ['moderator', 'admin'];
/** Who enters a question taken from the floor, a paper slip or the hotline. */
const TAKERS: readonly Role[] = ['moderator', 'secretary', 'admin'];
/** A question in one of these is an opinion of the register (its row is made in the same transaction). */
const isOpinionStatus = (s: QuestionStatus): boolean => (OPINION_QUESTION_STATUSES as readonly string[]).includes(s);
const RULES: Record<ModerationAction, ModerationRule> = {
  approve: { from: ['pending', 'rejected'], roles: DESK, afterClose: false },
  reject: { from: ['pending', 'approved'], roles: DESK, afterClose: false },
  edit: { from: ['pending', 'approved', 'rejected', 'on_stage', 'answered', 'deferred'], roles: DESK, afterClose: false },
  merge: { from: ['pending', 'approved', 'rejected'], roles: DESK, afterClose: false },
  tag: { from: ['pending', 'approved', 'rejected', 'on_stage', 'answered', 'deferred'], roles: DESK, afterClose: true },
  assign: { from: ['pending', 'approved', 'rejected', 'on_stage', 'answered', 'deferred'], roles: DESK, afterClose: true },
  note: { from: ['pending', 'approved', 'on_stage', 'answered', 'deferred'], roles: DESK, afterClose: false },
  // The field (lĩnh vực): the desk and the secretariat classify while working the queue, and after.
  classify: { from: ['pending', 'approved', 'rejected', 'on_stage', 'answered', 'deferred', 'merged'], roles: ['moderator', 'admin', 'secretary'], afterClose: true },
  pin: { from: ['approved', 'on_stage'], roles: DESK, afterClose: false },
  unpin: { from: ['approved', 'on_stage', 'answered', 'deferred'], roles: DESK, afterClose: false },
  stage: { from: ['approved'], roles: DESK, afterClose: false },
  unstage: { from: ['on_stage'], roles: DESK, afterClose: false },
  // Leaders mark the question they answered; the secretariat records it too.
  answered: { from: ['approved', 'on_stage'], roles: ['moderator', 'admin', 'leader', 'secretary'], afterClose: true },
  // The secretariat defers to written follow-up itself (as do moderators).
  defer: { from: ['pending', 'approved', 'on_stage', 'answered'], roles: ['moderator', 'admin', 'secretary'], afterClose: true },
};

const MERGE_TARGET_STATUSES: readonly QuestionStatus[] = ['pending', 'approved', 'on_stage', 'answered', 'deferred'];
const VOTABLE: readonly QuestionStatus[] = ['approved', 'on_stage'];

const closedError = (status: string, what: string): DomainError =>
  status === 'archived'
    ? new DomainError('SESSION_ARCHIVED', `the session is archived: ${what}`)
    : new DomainError('SESSION_CLOSED', `the session is closed: ${what}`);
const isFrozen = (status: string): boolean => status === 'closed' || status === 'archived';
/** How often a submission retries when a side-by-side one (PostgreSQL) took its number or tracking code first. */
const INSERT_ATTEMPTS = 5;

/** Unicode-normalised and trimmed, so the length limit counts what a person sees. */
const cleanText = cleanMultiline;
const charCount = (text: string): number => [...text].length;

export class QuestionsService {
  readonly repo: QuestionsRepo;
  private readonly opinions: OpinionsRepo;
  private readonly units: UnitsRepo;
  readonly snapshots: SnapshotCache;
  private readonly questionLimiter: RateLimiter;
  private readonly voteLimiter: RateLimiter;
  /** PostgreSQL: votes as one set-based batch per node at a time; null on SQLite (the group commit). */
  private readonly pgVotes: PgVoteBatch | null;
  private readonly shared: Pick<SharedLimits, 'votes' | 'questions'> | null;
  /** Per session: what post-moderation publishes directly (see submit). */
  private readonly publishLimiter: RateLimiter;
  private readonly smsLimiter: RateLimiter;

  constructor(
    private readonly port: DbPort,
    private readonly events: DomainEvents,
    private readonly sessions: SessionsService,
    limits: QuestionLimits,
    private readonly registry: ParticipantRegistry,
    /** Submissions and votes share one COMMIT per event-loop turn (the data layer's port). */
    private readonly groupCommit: GroupCommit,
    private readonly surge = new VoteSurgeDetector(),
  ) {
    this.repo = new QuestionsRepo(port);
    this.pgVotes =
      port.dialect === 'pg'
        ? new PgVoteBatch(port, this.repo, {
            check: (voter, target, add) => this.checkVote(voter, target, add),
            counted: (sessionId, questionId, votes) => this.events.emit('votes:changed', { sessionId, questionId, votes }),
            added: (sessionId, questionId, participantId) => this.voteAdded(sessionId, questionId, participantId),
          })
        : null;
    this.opinions = new OpinionsRepo(port);
    this.units = new UnitsRepo(port);
    this.snapshots = new SnapshotCache(events);
    // Bursts: a few questions at once is normal; a vote burst of 30 is a
    // person scrolling and tapping quickly.
    // In cluster mode the shared budgets count (asked before the transaction); these, at 0, let everything through.
    this.shared = limits.shared ?? null;
    this.questionLimiter = new RateLimiter(this.shared ? 0 : limits.questionsPerMinute, Math.max(3, Math.ceil(limits.questionsPerMinute / 2)));
    this.voteLimiter = new RateLimiter(this.shared ? 0 : limits.votesPerMinute, Math.max(30, limits.votesPerMinute / 2));
    this.publishLimiter = new RateLimiter(limits.postModerationPublishPerMinute ?? 120);
    // A phone number: a few messages a minute, then it waits.
    this.smsLimiter = new RateLimiter(limits.smsPerMinute ?? 3, Math.max(1, limits.smsPerMinute ?? 3));
  }

  // ---- reading ---------------------------------------------------------------

  private audienceOf(actor: Actor, q: QuestionRow, asDisplay = false): Audience | null {
    if (actor.kind === 'staff') {
      const panel = asDisplay || actor.role === 'leader';
      if (panel) return isPublicStatus(q.status) ? 'panel' : null;
      return 'staff';
    }
    if (actor.kind === 'participant' && actor.sessionId === q.sessionId) {
      if (q.participantId === actor.participantId) return 'author';
      return isPublicStatus(q.status) ? 'public' : null;
    }
    return null;
  }

  /** The question shaped for each audience, read once (the realtime layer broadcasts these). */
  async views(id: number): Promise<Record<Audience, Question> | null> {
    const q = await this.repo.withAuthor(id);
    if (!q) return null;
    const ctx = (await this.repo.contextFor([id])).get(id);
    return {
      staff: toQuestionView(q, 'staff', ctx),
      panel: toQuestionView(q, 'panel', ctx),
      public: toQuestionView(q, 'public', ctx),
      author: toQuestionView(q, 'author', ctx),
    };
  }

  async get(actor: Actor, id: number): Promise<Question> {
    const q = await this.repo.withAuthor(id);
    if (!q) throw new DomainError('QUESTION_NOT_FOUND');
    await this.sessions.requireMemberOf(actor, q.sessionId);
    const audience = this.audienceOf(actor, q);
    if (!audience) throw new DomainError('QUESTION_NOT_FOUND');
    const scope = await this.sessions.venueScope(actor, q.sessionId);
    if (scope !== null && q.venueId !== scope) throw new DomainError('NOT_ASSIGNED', `only questions of venue ${scope}`);
    return toQuestionView(q, audience, (await this.repo.contextFor([id])).get(id));
  }

  /** Everything the actor may see in the session, oldest first. */
  async list(actor: Actor, sessionId: number, asDisplay = false): Promise<Question[]> {
    await this.sessions.requireMemberOf(actor, sessionId);
    // A venue moderator sees its own venue's questions only.
    const scope = await this.sessions.venueScope(actor, sessionId);
    const rows = (await this.repo.listWithAuthor(sessionId)).filter((q) => scope === null || q.venueId === scope);
    const visible: { q: QuestionWithAuthor; audience: Audience }[] = [];
    for (const q of rows) {
      const audience = this.audienceOf(actor, q, asDisplay);
      if (audience) visible.push({ q, audience });
    }
    const ctx = await this.repo.contextFor(visible.map((v) => v.q.id));
    return visible.map((v) => toQuestionView(v.q, v.audience, ctx.get(v.q.id)));
  }

  /**
   * Counts for a tally sent by a node that did not see the votes (cluster
   * mode): the questions asked for (the ones voted on anywhere), or, for a
   * full tally, every public question of the session.
   */
  async voteCounts(sessionId: number, ids?: readonly number[]): Promise<Record<number, number>> {
    const out: Record<number, number> = {};
    for (const r of await this.repo.voteCounts(sessionId, ids)) if (ids || isPublicStatus(r.status)) out[r.id] = r.votes;
    return out;
  }

  /** Who receives what in this session: the desk, the panel (leaders, the big screen) or the public. */
  audienceFor(actor: Actor, asDisplay = false): 'staff' | 'panel' | 'public' {
    if (actor.kind !== 'staff') return 'public';
    return asDisplay || actor.role === 'leader' ? 'panel' : 'staff';
  }

  /**
   * What `session:join` returns. The questions every member of an audience
   * (the desk, the panel, the public) sees alike are built once per state of
   * the session and shared (see SnapshotCache); a participant's own questions
   * (author-shaped, with tracking codes, pending ones too) and its votes are
   * added per request.
   */
  async snapshot(actor: Actor, sessionId: number, asDisplay = false, version?: string): Promise<Omit<SessionSnapshot, 'seq'>> {
    const member = await this.sessions.requireMemberOf(actor, sessionId);
    const session = await this.sessions.row(sessionId);
    const base = { session: await this.sessions.view(session), stage: session.stageQuestionId ?? null };
    if (member.kind === 'staff') {
      const audience = this.audienceFor(actor, asDisplay);
      return { ...base, questions: (await this.snapshots.get(sessionId, audience, () => this.list(actor, sessionId, asDisplay), version)).questions };
    }
    const shared = await this.snapshots.get(sessionId, 'public', () => this.publicViews(sessionId), version);
    const own = await this.repo.listWithAuthorBy(sessionId, member.participantId);
    let questions = shared.questions;
    if (own.length > 0) {
      const ctx = await this.repo.contextFor(own.map((q) => q.id));
      const mine = new Map(own.map((q) => [q.id, toQuestionView(q, 'author', ctx.get(q.id))]));
      questions = shared.questions.map((q) => mine.get(q.id) ?? q);
      for (const q of mine.values()) if (!shared.byId.has(q.id)) questions.push(q);
      questions.sort((a, b) => a.id - b.id);
    }
    return {
      ...base,
      questions,
      myVotes: await this.repo.votedBy(sessionId, member.participantId),
      venue: (await this.repo.venueNameOfParticipant(member.participantId)) ?? null,
    };
  }

  /** Every public question of the session, shaped for the public, oldest first. */
  private async publicViews(sessionId: number): Promise<Question[]> {
    const rows = (await this.repo.listWithAuthor(sessionId)).filter((q) => isPublicStatus(q.status));
    const ctx = await this.repo.contextFor(rows.map((q) => q.id));
    return rows.map((q) => toQuestionView(q, 'public', ctx.get(q.id)));
  }

  // ---- participants ----------------------------------------------------------

  /** A banned participant's token is refused at the door; this also stops what was already queued. */
  private notBanned(participantId: number): void {
    if (this.registry.isBanned(participantId)) throw new DomainError('PARTICIPANT_BANNED', 'this participant was removed from the session');
  }

  /** Asks a question; resolves once it is committed (batched with others of the same moment). */
  async submit(actor: Actor, sessionId: number, body: SubmitQuestionBody): Promise<Question> {
    if (this.shared) {
      // A retried emit is answered with the first question, never counted again (as in submitNow).
      const retry = actor.kind === 'participant' && body.clientId !== undefined && (await this.repo.byClientId(actor.participantId, body.clientId)) !== undefined;
      if (!retry) return this.sharedFirst(this.shared.questions, actor, 'questions', () => this.groupCommit.run(() => this.submitNow(actor, sessionId, body)));
    }
    return this.groupCommit.run(() => this.submitNow(actor, sessionId, body));
  }

  private async submitNow(actor: Actor, sessionId: number, body: SubmitQuestionBody): Promise<Question> {
    const me = requireParticipant(actor, sessionId);
    this.notBanned(me.participantId);
    // A retried emit returns the first question, before any limit or state
    // check could turn a success into an error on the second try.
    if (body.clientId) {
      const existing = await this.repo.byClientId(me.participantId, body.clientId);
      if (existing) return this.get(actor, existing.id);
    }
    const session = await this.sessions.row(sessionId);
    const { text, anonymous } = this.checkNew(session, body.text, body.anonymous);
    this.questionLimiter.take(me.participantId, 'questions');
    const row = await this.insertQuestion(actor, session, {
      participantId: () => me.participantId,
      clientId: body.clientId ?? null,
      text,
      anonymous,
      channel: 'app',
      venueId: await this.repo.venueOfParticipant(me.participantId),
    });
    return this.get(actor, row.id);
  }

  /** The session takes questions, the text fits, anonymity is allowed: the same rules for every channel. */
  private checkNew(session: SessionRow, rawText: string, anonymousIn: boolean | undefined): { text: string; anonymous: boolean } {
    if (!acceptsQuestions(session.status)) {
      if (isFrozen(session.status)) throw new DomainError('SESSION_CLOSED', 'the session is closed: no more questions');
      throw new DomainError('SESSION_NOT_ACCEPTING', `questions are not accepted while the session is ${session.status}`);
    }
    const text = cleanText(rawText);
    if (text.length === 0) throw new DomainError('QUESTION_EMPTY', 'the question is empty');
    if (charCount(text) > session.maxQuestionLength) {
      throw new DomainError('QUESTION_TOO_LONG', `at most ${session.maxQuestionLength} characters`);
    }
    const anonymous = anonymousIn ?? false;
    if (anonymous && !session.anonymousAllowed) throw new DomainError('ANONYMOUS_NOT_ALLOWED', 'this session does not take anonymous questions');
    return { text, anonymous };
  }

  /** One insert path for every channel: flags, status by the moderation mode, number, tracking code, audit, event. */
  private async insertQuestion(
    actor: Actor,
    session: SessionRow,
    q: {
      /** Called inside the transaction (a proxy asker's row is made there). */
      participantId: () => number | Promise<number>;
      clientId: string | null;
      text: string;
      anonymous: boolean;
      channel: QuestionChannel;
      venueId: number | null;
    },
  ): Promise<QuestionRow> {
    const sessionId = session.id;
    const { text, anonymous, channel, venueId } = q;
    const abusive = looksAbusive(text);
    const duplicateOf = likelyDuplicates(text, await this.repo.recentComparable(sessionId, 300));
    // Post-moderation publishes at once, except what the abuse filter flags:
    // that waits for a moderator (a flag holds, it never rejects); and except
    // a flood: beyond a burst of questions a minute for the whole session
    // (120 by default, far above what a hall asks), new ones wait for a
    // moderator instead of landing on every phone at once.
    const status: QuestionStatus =
      session.moderation === 'pre' || abusive || !this.publishLimiter.tryTake(sessionId) ? 'pending' : 'approved';

    const { row, created } = await this.port.tx(async () => {
      // The status checked above may have changed since: checked again, and held until the COMMIT (status-lock.ts).
      await holdSessionStatus(this.port, [sessionId]);
      const current = await this.sessions.row(sessionId);
      if (current.status !== session.status) this.checkNew(current, text, anonymous);
      const participantId = await q.participantId();
      if (q.clientId) {
        const raced = await this.repo.byClientId(participantId, q.clientId);
        if (raced) return { row: raced, created: false };
      }
      await this.repo.lockNumbering(sessionId);
      let inserted: QuestionRow | undefined;
      for (let attempt = 1; !inserted; attempt++) {
        try {
          // A savepoint on PostgreSQL, where a failed statement spoils its transaction.
          inserted = await this.attempt(async () => {
            let trackingCode = generateTrackingCode();
            while (await this.opinions.trackingCodeTaken(trackingCode)) trackingCode = generateTrackingCode();
            return this.repo.insert({
              sessionId,
              number: await this.repo.nextNumber(sessionId),
              participantId,
              clientId: q.clientId,
              text,
              anonymous,
              channel,
              venueId,
              status,
              trackingCode,
              flagAbusive: abusive,
              duplicateOf: JSON.stringify(duplicateOf),
            });
          });
        } catch (err) {
          if (!this.port.isUniqueViolation(err)) throw err;
          // The same emit committed meanwhile (another node, another connection): it is the answer.
          if (q.clientId) {
            const raced = await this.repo.byClientId(participantId, q.clientId);
            if (raced) return { row: raced, created: false };
          }
          // Else another question took this number (or tracking code) first: take the next one.
          if (attempt >= INSERT_ATTEMPTS) throw new DomainError('SERVER_BUSY', 'too many questions at once; please send it again');
        }
      }
      await recordAudit(this.port, actor, {
        action: channel === 'app' ? 'question.submit' : `question.take.${channel}`,
        entity: 'question',
        entityId: inserted.id,
        sessionId,
        after: { status, anonymous, text, channel, venueId, flagAbusive: abusive, duplicateOf },
      });
      // Published at once (post-moderation): an opinion of the register from now on.
      if (isOpinionStatus(inserted.status)) await this.opinions.syncQuestion(inserted.id);
      return { row: inserted, created: true };
    });
    if (created) this.events.emit('question:changed', { sessionId, questionId: row.id, created: true });
    return row;
  }

  /**
   * One try of a write that may hit a unique index because of a transaction
   * running beside this one. PostgreSQL: in a savepoint, since a failed
   * statement spoils the transaction it runs in. SQLite: as it is (its write
   * transactions run one at a time, and a failed statement undoes only itself).
   */
  private attempt<T>(fn: () => Promise<T>): Promise<T> {
    return this.port.dialect === 'pg' ? this.port.tx(fn) : fn();
  }

  /**
   * A question taken on someone's behalf by a moderator or secretary of the
   * session: raised on the floor, handed in on paper, phoned in. It then goes
   * through the same queue as any other. A venue moderator takes questions
   * for their own venue only.
   */
  take(actor: Actor, sessionId: number, body: TakenQuestionBody): Promise<Question> {
    return this.groupCommit.run(() => this.takeNow(actor, sessionId, body));
  }

  private async takeNow(actor: Actor, sessionId: number, body: TakenQuestionBody): Promise<Question> {
    requireStaff(actor, TAKERS);
    await this.sessions.requireStaffOf(actor, sessionId, TAKERS);
    const scope = await this.sessions.venueScope(actor, sessionId);
    const venueId = body.venueId ?? scope;
    if (scope !== null && venueId !== scope) throw new DomainError('NOT_ASSIGNED', `only questions of venue ${scope}`);
    if (venueId !== null) await this.requireVenue(sessionId, venueId);
    const session = await this.sessions.row(sessionId);
    const { text, anonymous } = this.checkNew(session, body.text, body.anonymous);
    // The same hygiene as a name typed on a phone (no bidi, zero-width or control characters).
    const clean = (v: string | undefined): string | null => cleanLineOrNull(v);
    const row = await this.insertQuestion(actor, session, {
      participantId: () =>
        this.repo.insertProxyParticipant({
          sessionId,
          venueId,
          displayName: clean(body.personName),
          locality: clean(body.locality),
          group: body.group ?? null,
        }),
      clientId: null,
      text,
      anonymous,
      channel: body.channel,
      venueId,
    });
    return this.get(actor, row.id);
  }

  /**
   * An SMS relayed by the gateway (already authenticated by its signature):
   * one participant per phone number per session, the number kept as its
   * contact (personal data: the secretariat only). Limits per phone number.
   */
  async takeSms(
    session: SessionRow,
    venueId: number | null,
    phone: string,
    rawText: string,
    participantIdOf: () => number | Promise<number>,
  ): Promise<QuestionRow> {
    const { text } = this.checkNew(session, rawText, false);
    this.smsLimiter.take(phone, 'messages from this number');
    return this.insertQuestion(SYSTEM, session, { participantId: participantIdOf, clientId: null, text, anonymous: false, channel: 'sms', venueId });
  }

  private async requireVenue(sessionId: number, venueId: number): Promise<void> {
    if ((await this.repo.sessionOfVenue(venueId)) !== sessionId) throw new DomainError('INVALID_PAYLOAD', `no venue ${venueId} in session ${sessionId}`);
  }

  /** Votes resolve once committed; HTTP and sockets take this one path. */
  vote(actor: Actor, questionId: number): Promise<VoteResult> {
    return this.castOrRefuse(actor, questionId, true);
  }

  unvote(actor: Actor, questionId: number): Promise<VoteResult> {
    return this.castOrRefuse(actor, questionId, false);
  }

  private castOrRefuse(actor: Actor, questionId: number, add: boolean): Promise<VoteResult> {
    const cast = (): Promise<VoteResult> => {
      if (!this.pgVotes) return this.groupCommit.run(() => this.castVote(actor, questionId, add));
      return this.pgVotes.cast(this.voter(actor), questionId, add);
    };
    return this.shared ? this.sharedFirst(this.shared.votes, actor, 'votes', cast) : cast();
  }

  /** Resolves once the votes asked for so far are answered (a shutdown waits for them). */
  flushVotes(): Promise<void> {
    return this.pgVotes?.flush() ?? Promise.resolve();
  }

  /**
   * Cluster mode: a participant's budget is taken in Redis before the
   * action's transaction (a network round trip never runs inside one). It is
   * taken before the action's own checks, so a refused action counts too.
   */
  private async sharedFirst<T>(bucket: SharedBucket, actor: Actor, what: string, act: () => Promise<T>): Promise<T> {
    if (actor.kind === 'participant' && !(await bucket.tryTake(actor.participantId))) {
      throw new DomainError('RATE_LIMITED', `too many ${what}; please wait a moment`);
    }
    return act();
  }

  private voter(actor: Actor): ParticipantActor {
    if (actor.kind !== 'participant') {
      throw new DomainError(actor.kind === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN', 'only participants vote');
    }
    return actor;
  }

  private async castVote(actor: Actor, questionId: number, add: boolean): Promise<VoteResult> {
    const voter = this.voter(actor);
    const target = await this.repo.voteTarget(questionId);
    this.checkVote(voter, target, add);
    // The batch already gives this action its own savepoint: no transaction of its own.
    const votes = add ? await this.repo.addVote(questionId, voter.participantId) : await this.repo.removeVote(questionId, voter.participantId);
    this.events.emit('votes:changed', { sessionId: target.sessionId, questionId, votes });
    if (add) this.voteAdded(target.sessionId, questionId, voter.participantId);
    return { questionId, votes };
  }

  /** Whether this person may cast (or take back) this vote now; throws the reason if not. */
  private checkVote(actor: ParticipantActor, target: VoteTarget | undefined, add: boolean): asserts target is VoteTarget {
    this.notBanned(actor.participantId);
    if (!target) throw new DomainError('QUESTION_NOT_FOUND');
    if (target.sessionId !== actor.sessionId) throw new DomainError('WRONG_SESSION', 'this question belongs to another session');
    const own = target.participantId === actor.participantId;
    if (!own && !isPublicStatus(target.status)) throw new DomainError('QUESTION_NOT_FOUND');
    if (!acceptsVotes(target.sessionStatus as SessionRow['status'])) {
      if (isFrozen(target.sessionStatus)) throw new DomainError('SESSION_CLOSED', 'the session is closed: voting has ended');
      throw new DomainError('SESSION_NOT_ACCEPTING', 'voting is not open');
    }
    if (add && !VOTABLE.includes(target.status)) {
      throw new DomainError('ILLEGAL_QUESTION_STATE', `a ${target.status} question takes no votes`);
    }
    this.voteLimiter.take(actor.participantId, 'votes');
  }

  /** A vote really added: many from participants who just joined is a signal for the moderators. */
  private voteAdded(sessionId: number, questionId: number, participantId: number): void {
    if (!this.registry.isNew(participantId)) return;
    const surge = this.surge.newVoterVoted(sessionId, questionId, participantId);
    if (surge) this.events.emit('votes:surge', surge);
  }

  async withdraw(actor: Actor, questionId: number): Promise<Question> {
    const me = requireParticipant(actor);
    const q = await this.repo.byId(questionId);
    if (!q || q.sessionId !== me.sessionId) throw new DomainError('QUESTION_NOT_FOUND');
    if (q.participantId !== me.participantId) throw new DomainError('FORBIDDEN', 'only the author can withdraw a question');
    const sessionStatus = (await this.sessions.row(q.sessionId)).status;
    if (isFrozen(sessionStatus)) throw new DomainError('SESSION_CLOSED', 'the session is closed: the record is frozen');
    const withdrawable = (status: QuestionStatus): void => {
      if (!['pending', 'approved'].includes(status)) throw new DomainError('ILLEGAL_QUESTION_STATE', `a ${status} question cannot be withdrawn`);
    };
    withdrawable(q.status);
    const previousStatus = await this.port.tx(async () => {
      // Checked again on the row held: a moderator may have acted on it meanwhile.
      const cur = (await this.repo.lockedById(q.id))!;
      withdrawable(cur.status);
      const after = await this.repo.update(q.id, { status: 'withdrawn', pinned: false, updatedAt: nowIso() });
      await recordAudit(this.port, actor, { action: 'question.withdraw', entity: 'question', entityId: q.id, sessionId: q.sessionId, before: { status: cur.status }, after: { status: after.status } });
      return cur.status;
    });
    this.events.emit('question:changed', { sessionId: q.sessionId, questionId: q.id, created: false, previousStatus });
    return this.get(actor, q.id);
  }

  // ---- staff -----------------------------------------------------------------

  async moderate(actor: Actor, questionId: number, body: ModerateBody): Promise<Question> {
    const rule = RULES[body.action];
    // Role first, so that a participant learns nothing about ids.
    requireStaff(actor, rule.roles);
    const q = await this.repo.byId(questionId);
    if (!q) throw new DomainError('QUESTION_NOT_FOUND');
    await this.sessions.requireStaffOf(actor, q.sessionId, rule.roles);
    const scope = await this.sessions.venueScope(actor, q.sessionId);
    if (scope !== null) {
      if (q.venueId !== scope) throw new DomainError('NOT_ASSIGNED', `only questions of venue ${scope}`);
      if (!VENUE_MODERATOR_ACTIONS.includes(body.action)) throw new DomainError('NOT_ASSIGNED', `${body.action} is for the central desk`);
      if (body.action === 'merge' && body.targetId !== undefined && (await this.repo.byId(body.targetId))?.venueId !== scope) {
        throw new DomainError('NOT_ASSIGNED', 'merge into a question of the same venue');
      }
    }
    const session = await this.sessions.row(q.sessionId);
    if (session.status === 'archived' || (session.status === 'closed' && !rule.afterClose)) {
      throw closedError(session.status, `cannot ${body.action} its questions any more`);
    }
    const startsFrom = (cur: QuestionRow): void => {
      if (body.expectedUpdatedAt !== undefined && body.expectedUpdatedAt !== cur.updatedAt) {
        throw new DomainError('CONFLICT', 'someone else changed this question; look again before acting');
      }
      if (!rule.from.includes(cur.status)) {
        throw new DomainError('ILLEGAL_QUESTION_STATE', `cannot ${body.action} a ${cur.status} question`);
      }
    };
    startsFrom(q);

    const now = nowIso();
    const changed: { id: number; previousStatus: QuestionStatus }[] = [];
    let stageChanged = false;
    let mergeVotes: number | null = null;

    await this.port.tx(async () => {
      // The question is read again, held (PostgreSQL), and checked again:
      // another moderator may have acted on it since it was read above. A
      // merge holds both questions, in id order (two merges of the same pair
      // in opposite directions would otherwise wait for each other).
      if (body.action === 'merge' && body.targetId !== undefined && body.targetId < q.id) await this.repo.lockedById(body.targetId);
      const cur = await this.repo.lockedById(q.id);
      if (!cur) throw new DomainError('QUESTION_NOT_FOUND');
      startsFrom(cur);
      const patch: Partial<QuestionRow> = { updatedAt: now };
      const need = <T>(v: T | undefined, field: string): T => {
        if (v === undefined || v === null) throw new DomainError('INVALID_PAYLOAD', `${body.action} needs ${field}`);
        return v;
      };
      switch (body.action) {
        case 'approve':
          patch.status = 'approved';
          patch.rejectReason = null;
          patch.rejectNote = null;
          break;
        case 'reject': {
          patch.status = 'rejected';
          patch.rejectReason = need(body.reason, 'reason');
          // "Other" says nothing by itself: the asker reads the moderator's words instead.
          const reasonNote = body.reasonNote ? cleanLine(body.reasonNote) : '';
          if (patch.rejectReason === 'other' && !reasonNote) throw new DomainError('INVALID_PAYLOAD', 'reject with reason "other" needs reasonNote');
          patch.rejectNote = patch.rejectReason === 'other' ? reasonNote : null;
          patch.pinned = false;
          break;
        }
        case 'edit': {
          const text = cleanText(need(body.text, 'text'));
          if (!text) throw new DomainError('QUESTION_EMPTY');
          patch.text = text;
          patch.originalText = cur.originalText ?? cur.text;
          break;
        }
        case 'merge': {
          const targetId = need(body.targetId, 'targetId');
          const target = await this.repo.lockedById(targetId);
          if (!target || target.sessionId !== q.sessionId || target.id === q.id || !MERGE_TARGET_STATUSES.includes(target.status)) {
            throw new DomainError('MERGE_TARGET_INVALID', 'merge into another live question of the same session');
          }
          patch.status = 'merged';
          patch.mergedIntoId = target.id;
          patch.pinned = false;
          mergeVotes = await this.repo.mergeVotes(q.id, target.id);
          await this.repo.update(target.id, { updatedAt: now });
          changed.push({ id: target.id, previousStatus: target.status });
          break;
        }
        case 'tag':
          patch.topic = cleanLineOrNull(body.topic);
          break;
        case 'assign':
          patch.assignee = cleanLineOrNull(body.assignee);
          if (body.agency !== undefined) patch.agency = cleanLineOrNull(body.agency);
          break;
        case 'note':
          patch.briefingNote = cleanMultilineOrNull(body.note);
          break;
        case 'classify': {
          if (body.fieldId === undefined) throw new DomainError('INVALID_PAYLOAD', 'classify needs fieldId (or null)');
          if (body.fieldId !== null && body.fieldId !== cur.fieldId) {
            const field = await this.units.fieldById(body.fieldId);
            if (!field || !field.active) throw new DomainError('INVALID_PAYLOAD', `no active field ${body.fieldId}`);
          }
          patch.fieldId = body.fieldId;
          // One classification: the question's field and its opinion's move together.
          await this.opinions.setFieldOfQuestion(q.id, body.fieldId, now);
          break;
        }
        case 'pin':
          patch.pinned = true;
          break;
        case 'unpin':
          patch.pinned = false;
          break;
        case 'stage': {
          // The question on stage, if another, goes back to the queue first: one on stage per session.
          for (const id of await this.repo.unstageOthers(q.sessionId, q.id, now)) changed.push({ id, previousStatus: 'on_stage' });
          patch.status = 'on_stage';
          patch.stagedAt = now;
          await this.repo.setStage(q.sessionId, q.id);
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
          const agency = cleanLine(need(body.agency, 'agency'));
          if (!agency) throw new DomainError('INVALID_PAYLOAD', 'defer needs agency');
          const deadline = need(body.deadline, 'deadline');
          if (Number.isNaN(Date.parse(`${deadline}T00:00:00Z`))) throw new DomainError('INVALID_PAYLOAD', 'deadline is not a date');
          // The lead body answers; the supporting ones (without the lead, each once) help.
          const supporting = distinctAgencies(body.supportingAgencies ?? [], [agency]);
          patch.status = 'deferred';
          patch.agency = agency;
          patch.pinned = false;
          await this.repo.insertFollowUp({ questionId: q.id, sessionId: q.sessionId, agency, supportingAgencies: JSON.stringify(supporting), deadline });
          break;
        }
      }
      // Leaving the stage in any way frees it.
      if (cur.status === 'on_stage' && patch.status && patch.status !== 'on_stage') {
        if (await this.repo.clearStageOf(q.sessionId, q.id)) stageChanged = true;
      }
      let after: QuestionRow;
      try {
        after = await this.repo.update(q.id, patch);
      } catch (err) {
        // The unique index questions_one_on_stage: another question went on stage beside this action.
        if (patch.status === 'on_stage' && this.port.isUniqueViolation(err)) {
          throw new DomainError('CONFLICT', 'another question went on stage at the same moment; look again before acting');
        }
        throw err;
      }
      // Approved or later (or merged, or deferred with its follow-up): its opinion is made or completed now.
      if (isOpinionStatus(after.status)) await this.opinions.syncQuestion(q.id);
      changed.push({ id: q.id, previousStatus: cur.status });
      await recordAudit(this.port, actor, {
        action: `question.${body.action}`,
        entity: 'question',
        entityId: q.id,
        sessionId: q.sessionId,
        before: cur,
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
      const stage = (await this.sessions.row(q.sessionId)).stageQuestionId ?? null;
      this.events.emit('stage:changed', { sessionId: q.sessionId, questionId: stage });
    }
    return this.get(actor, q.id);
  }
}
