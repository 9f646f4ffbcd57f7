import type { ModerationAlert, SessionSnapshot, VotesTally, StageChanged, Sequenced } from '../../../shared/events';
import { GAP_WAIT_MS } from '../../../shared/constants';
import type { Question, Session } from '../../../shared/schemas/entities';
import type { ModeratePayload } from '../../../shared/schemas/requests';
import type { QuestionStatus } from '../../../shared/schemas/enums';
import { ApiError } from '../lib/api';
import type { ClientErrorCode } from '../lib/i18n/i18n.svelte';
import { ask, connectSocket, newClientId, type AppSocket } from '../lib/socket';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

const PUBLIC: readonly QuestionStatus[] = ['approved', 'on_stage', 'answered', 'deferred'];
/** Handshake failures that no retry will fix: the token must be replaced. */
const FATAL_AUTH: readonly string[] = ['UNAUTHORIZED', 'TOKEN_EXPIRED', 'TOKEN_INVALID', 'USER_DISABLED', 'PARTICIPANT_BANNED'];

export interface LiveSessionOptions {
  token: string;
  sessionId: number;
  /** Staff see every question; a participant sees public ones and its own. */
  audience: 'staff' | 'participant';
  /** The big screen: public questions, never an anonymous asker's identity, whoever signed it in. */
  asDisplay?: boolean;
}

/**
 * The live state of one session over Socket.IO: snapshot on (re)connect,
 * events applied in sequence order (an early one held back briefly), a fresh
 * snapshot whenever a gap shows that something was missed.
 */
export class LiveSession {
  #conn = $state<ConnectionState>('connecting');
  #session = $state.raw<Session | null>(null);
  #questions = $state.raw<ReadonlyMap<number, Question>>(new Map());
  #stage = $state<number | null>(null);
  #myVotes = $state.raw<ReadonlySet<number>>(new Set());
  /** Participants only: the linked venue they joined by (null: the main hall). */
  #venue = $state.raw<{ id: number; name: string } | null>(null);
  #fatal = $state<ClientErrorCode | null>(null);
  #loadError = $state<ClientErrorCode | null>(null);
  /** Staff only: signals for the moderators (vote surges), newest last, the last five. */
  #alerts = $state.raw<ModerationAlert[]>([]);

  #socket: AppSocket;
  #seq = 0;
  /**
   * Messages that came before the numbers preceding them, by number, until
   * those arrive or GAP_WAIT_MS passes. A number can carry two messages: an
   * author-only one reuses the number of the last message it is consistent with.
   */
  #early = new Map<number, (() => void)[]>();
  #gapTimer: ReturnType<typeof setTimeout> | undefined;
  /** Events that arrive while a snapshot is in flight are already in it. */
  #syncing = false;
  #resyncAgain = false;
  #closed = false;
  /** Votes cast while the connection was gone (question id → voted): sent again once it is back. */
  #pendingVotes = new Map<number, boolean>();
  readonly #opts: LiveSessionOptions;
  readonly #onOnline = () => this.#refreshConnState();

  constructor(opts: LiveSessionOptions) {
    this.#opts = opts;
    this.#socket = connectSocket(opts.token);
    const s = this.#socket;
    s.on('connect', () => {
      this.#conn = 'connected';
      void this.resync().then(() => this.#flushVotes());
    });
    s.on('disconnect', (reason) => {
      this.#conn = navigator.onLine ? 'reconnecting' : 'offline';
      // The server dropped us on purpose (token expired, account disabled): try once more, the handshake will say why.
      if (reason === 'io server disconnect') s.connect();
    });
    s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      const code = err.data?.code ?? err.message;
      if (FATAL_AUTH.includes(code)) {
        this.#fatal = code as ClientErrorCode;
        s.disconnect();
        return;
      }
      this.#conn = navigator.onLine ? 'reconnecting' : 'offline';
    });
    s.on('question:created', (q) => this.#onQuestion(q));
    s.on('question:updated', (q) => this.#onQuestion(q));
    s.on('votes:tally', (t) => this.#onTally(t));
    s.on('stage:changed', (c) => this.#onStage(c));
    s.on('session:updated', (x) => this.#onSession(x));
    s.on('moderation:alert', (a) => (this.#alerts = [...this.#alerts, a].slice(-5)));
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOnline);
  }

  get alerts(): readonly ModerationAlert[] {
    return this.#alerts;
  }
  dismissAlert(alert: ModerationAlert): void {
    this.#alerts = this.#alerts.filter((a) => a !== alert);
  }

  get connection(): ConnectionState {
    return this.#conn;
  }
  get session(): Session | null {
    return this.#session;
  }
  get questions(): Question[] {
    return [...this.#questions.values()];
  }
  get stageId(): number | null {
    return this.#stage;
  }
  get stageQuestion(): Question | null {
    return this.#stage === null ? null : (this.#questions.get(this.#stage) ?? null);
  }
  get myVotes(): ReadonlySet<number> {
    return this.#myVotes;
  }
  /** The linked venue this participant joined by; null for the main hall (and for staff). */
  get venue(): { id: number; name: string } | null {
    return this.#venue;
  }
  /** Set when the token is refused: the view must log in or join again. */
  get fatalError(): ClientErrorCode | null {
    return this.#fatal;
  }
  /** Set when the snapshot could not be read (wrong session, forbidden...). */
  get loadError(): ClientErrorCode | null {
    return this.#loadError;
  }
  get loaded(): boolean {
    return this.#session !== null;
  }

  question(id: number): Question | undefined {
    return this.#questions.get(id);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#gapTimer);
    window.removeEventListener('online', this.#onOnline);
    window.removeEventListener('offline', this.#onOnline);
    this.#socket.removeAllListeners();
    this.#socket.disconnect();
  }

  #refreshConnState(): void {
    // The browser knows the network is gone long before the socket's
    // heartbeat times out: say so at once.
    if (!navigator.onLine) this.#conn = 'offline';
    else if (this.#socket.connected) this.#conn = 'connected';
    else this.#conn = 'reconnecting';
  }

  /** Replaces all state with a fresh snapshot (on connect, and on any gap). */
  async resync(): Promise<void> {
    if (this.#syncing) {
      this.#resyncAgain = true;
      return;
    }
    this.#syncing = true;
    try {
      const snap = await ask(this.#socket, 'session:join', {
        sessionId: this.#opts.sessionId,
        ...(this.#opts.asDisplay && { as: 'display' as const }),
      });
      this.#apply(snap);
      this.#loadError = null;
    } catch (e) {
      const code = e instanceof ApiError ? e.code : 'INTERNAL';
      if (code !== 'TIMEOUT') this.#loadError = code;
      // Disconnected: the next 'connect' retries. Connected but slow: try again shortly.
      else if (this.#socket.connected && !this.#closed) setTimeout(() => void this.resync(), 2000);
    } finally {
      this.#syncing = false;
    }
    if (this.#resyncAgain) {
      this.#resyncAgain = false;
      void this.resync();
    }
  }

  #apply(snap: SessionSnapshot): void {
    this.#session = snap.session;
    this.#questions = new Map(snap.questions.map((q) => [q.id, q]));
    this.#stage = snap.stage;
    this.#seq = snap.seq;
    // Early messages the snapshot already holds are dropped; later ones follow it.
    for (const seq of this.#early.keys()) if (seq <= snap.seq) this.#early.delete(seq);
    this.#drainEarly();
    this.#venue = snap.venue ?? null;
    if (snap.myVotes) {
      const mine = new Set(snap.myVotes);
      // Votes still waiting to be sent keep showing as cast.
      for (const [id, on] of this.#pendingVotes) on ? mine.add(id) : mine.delete(id);
      this.#myVotes = mine;
    }
  }

  /**
   * Applies a numbered message in order: at once when it is the next one (or
   * an author-only message reusing the current number); held back when it
   * came early, until the missing numbers arrive; a gap still open after
   * GAP_WAIT_MS means something was lost, and a snapshot is taken instead.
   */
  #sequenced(seq: number, apply: () => void): void {
    if (this.#syncing || !this.#session) return;
    if (seq > this.#seq + 1) {
      const held = this.#early.get(seq);
      if (held) held.push(apply);
      else this.#early.set(seq, [apply]);
      this.#gapTimer ??= setTimeout(() => {
        this.#gapTimer = undefined;
        if (this.#early.size === 0) return;
        this.#early.clear();
        void this.resync();
      }, GAP_WAIT_MS);
      return;
    }
    this.#seq = Math.max(this.#seq, seq);
    apply();
    this.#drainEarly();
  }

  #drainEarly(): void {
    for (let next = this.#early.get(this.#seq + 1); next; next = this.#early.get(this.#seq + 1)) {
      this.#early.delete(++this.#seq);
      for (const apply of next) apply();
    }
    if (this.#early.size === 0 && this.#gapTimer) {
      clearTimeout(this.#gapTimer);
      this.#gapTimer = undefined;
    }
  }

  #visible(q: Question): boolean {
    return this.#opts.audience === 'staff' || q.mine === true || PUBLIC.includes(q.status);
  }

  #onQuestion(q: Sequenced<Question>): void {
    if (q.sessionId !== this.#opts.sessionId) return;
    const { seq, ...question } = q;
    this.#sequenced(seq, () => this.#upsert(question));
  }

  #upsert(q: Question): void {
    const next = new Map(this.#questions);
    if (this.#visible(q)) {
      // Keep the author's private fields when a public-shaped copy arrives for a question that is ours.
      const prev = next.get(q.id);
      next.set(q.id, prev?.mine && !q.mine ? { ...q, mine: true, trackingCode: prev.trackingCode } : q);
    } else {
      next.delete(q.id);
    }
    this.#questions = next;
  }

  #onTally(t: VotesTally): void {
    if (t.sessionId !== this.#opts.sessionId) return;
    this.#sequenced(t.seq, () => this.#setVotes(t.votes));
  }

  #setVotes(votes: Record<string, number>): void {
    const next = new Map(this.#questions);
    let changed = false;
    for (const [id, count] of Object.entries(votes)) {
      const q = next.get(Number(id));
      if (q && q.votes !== count) {
        next.set(q.id, { ...q, votes: count });
        changed = true;
      }
    }
    if (changed) this.#questions = next;
  }

  #onStage(c: StageChanged): void {
    if (c.sessionId !== this.#opts.sessionId) return;
    this.#sequenced(c.seq, () => (this.#stage = c.questionId));
  }

  #onSession(s: Sequenced<Session>): void {
    if (s.id !== this.#opts.sessionId) return;
    const { seq, ...session } = s;
    this.#sequenced(seq, () => (this.#session = session));
  }

  // ---- actions -----------------------------------------------------------------

  async submit(text: string, anonymous: boolean, clientId: string): Promise<Question> {
    const q = await ask(this.#socket, 'question:submit', { sessionId: this.#opts.sessionId, text, anonymous, clientId });
    this.#upsert(q);
    return q;
  }

  /**
   * Optimistic: the count moves at once; the ack or the next tally corrects it.
   * Without a connection (or when the ack times out) the vote is kept and sent
   * again on reconnect; a vote is idempotent on the server, so a repeat is harmless.
   */
  async toggleVote(questionId: number): Promise<void> {
    const voted = this.#myVotes.has(questionId);
    const q = this.#questions.get(questionId);
    this.#setMine(questionId, !voted);
    if (q) this.#setVotes({ [questionId]: Math.max(0, q.votes + (voted ? -1 : 1)) });
    if (!this.#socket.connected) {
      this.#pendingVotes.set(questionId, !voted);
      return;
    }
    try {
      const res = await ask(this.#socket, voted ? 'question:unvote' : 'question:vote', { questionId });
      this.#pendingVotes.delete(questionId);
      this.#setVotes({ [res.questionId]: res.votes });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TIMEOUT') {
        this.#pendingVotes.set(questionId, !voted);
        return;
      }
      this.#setMine(questionId, voted);
      const now = this.#questions.get(questionId);
      if (q && now) this.#setVotes({ [questionId]: q.votes });
      throw e;
    }
  }

  /** Votes cast while offline, once the connection is back. */
  async #flushVotes(): Promise<void> {
    let refused = false;
    for (const [id, on] of [...this.#pendingVotes]) {
      if (!this.#socket.connected) return;
      try {
        const res = await ask(this.#socket, on ? 'question:vote' : 'question:unvote', { questionId: id });
        this.#pendingVotes.delete(id);
        this.#setVotes({ [res.questionId]: res.votes });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'TIMEOUT') return; // the next reconnect tries again
        this.#pendingVotes.delete(id);
        refused = true;
      }
    }
    if (refused) await this.resync();
  }

  #setMine(id: number, on: boolean): void {
    const next = new Set(this.#myVotes);
    if (on) next.add(id);
    else next.delete(id);
    this.#myVotes = next;
  }

  async withdraw(questionId: number): Promise<void> {
    this.#upsert(await ask(this.#socket, 'question:withdraw', { questionId }));
  }

  /**
   * Every moderation carries the updatedAt the moderator saw (by default the
   * latest this view holds), so the server refuses an action on a question
   * someone else changed meanwhile.
   */
  async moderate(payload: Omit<ModeratePayload, 'expectedUpdatedAt'>, seenUpdatedAt?: string): Promise<Question> {
    const expectedUpdatedAt = seenUpdatedAt ?? this.#questions.get(payload.questionId)?.updatedAt;
    const q = await ask(this.#socket, 'question:moderate', { ...payload, expectedUpdatedAt });
    this.#upsert(q);
    return q;
  }

  /** After a refused action, make sure the view shows what the server has. */
  async refreshAfterConflict(): Promise<void> {
    await this.resync();
  }

  /** Replace a question from an HTTP answer (secretariat records answers over HTTP). */
  put(q: Question): void {
    this.#upsert(q);
  }
}

export { newClientId };
