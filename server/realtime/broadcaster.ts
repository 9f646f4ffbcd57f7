import type { QuestionStatus } from '../../shared/schemas/enums';
import type { Services } from '../domain/services';
import { isPublicStatus } from '../domain/questions/question-view';
import type { IoServer } from './plugin';
import { rooms } from './rooms';

type Audience = 'staff' | 'public';

/**
 * Turns domain events into socket messages. Each message goes to a room as
 * one emit, so Socket.IO encodes it once for all receivers; payloads are
 * shaped per audience (staff / public / the author), never per socket.
 *
 * Sequence numbers are per session and audience: staff see events the public
 * never does, so one shared counter would show the public false gaps.
 */
export class Broadcaster {
  private readonly seqs = new Map<number, { staff: number; public: number }>();
  private readonly dirtyVotes = new Map<number, Map<number, number>>();
  /**
   * Question, stage and session broadcasts wait for the next flush (at most
   * one tally interval) and leave together with the tallies: a socket then
   * gets one write for the whole batch instead of one per event (see
   * coalesceWebSocketWrites). Measured in bench/README.md: the fan-out of a
   * question storm costs a fraction of the CPU per delivery.
   */
  private pending: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly io: IoServer,
    private readonly services: Services,
    tallyIntervalMs = 150,
  ) {
    const { events } = services;
    events.on('question:changed', (e) => this.later(() => this.questionChanged(e.sessionId, e.questionId, e.created, e.previousStatus)));
    events.on('votes:changed', (e) => this.voteChanged(e.sessionId, e.questionId, e.votes));
    events.on('stage:changed', (e) => this.later(() => this.stageChanged(e.sessionId, e.questionId)));
    events.on('session:changed', (e) => this.later(() => this.sessionChanged(e.sessionId)));
    events.on('user:revoked', (e) => this.io.in(rooms.user(e.userId)).disconnectSockets(true));
    this.timer = setInterval(() => this.flush(), tallyIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private later(send: () => void): void {
    this.pending.push(send);
  }

  /** Everything that changed since the last flush, in the order it happened; the tallies last. */
  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    for (const send of pending) send();
    this.flushTallies();
  }

  /** The sequence a snapshot for this audience is consistent with. */
  currentSeq(sessionId: number, audience: Audience): number {
    return this.seqs.get(sessionId)?.[audience] ?? 0;
  }

  private nextSeq(sessionId: number, audience: Audience): number {
    let s = this.seqs.get(sessionId);
    if (!s) {
      s = { staff: 0, public: 0 };
      this.seqs.set(sessionId, s);
    }
    return ++s[audience];
  }

  private questionChanged(sessionId: number, questionId: number, created: boolean, previousStatus?: QuestionStatus): void {
    const event = created ? 'question:created' : 'question:updated';
    const views = this.services.questions.views(questionId);
    if (!views) return;
    const { staff: staffView, public: publicView, author: authorView } = views;
    this.io.to(rooms.staff(sessionId)).emit(event, { ...staffView, seq: this.nextSeq(sessionId, 'staff') });

    const author = staffView.participantId!;
    // The public hears of a question while it is public, and once more when
    // it stops being public (merged, withdrawn...) so that views drop it.
    const publicNow = isPublicStatus(staffView.status);
    const publicBefore = previousStatus !== undefined && isPublicStatus(previousStatus);
    if (publicNow || publicBefore) {
      const seq = this.nextSeq(sessionId, 'public');
      this.io.to(rooms.public(sessionId)).except(rooms.participant(author)).emit(event, { ...publicView, seq });
      this.io.to(rooms.participant(author)).emit(event, { ...authorView, seq });
    } else {
      // Only the author may see it: no public sequence number is spent.
      this.io.to(rooms.participant(author)).emit(event, { ...authorView, seq: this.currentSeq(sessionId, 'public') });
    }
  }

  private voteChanged(sessionId: number, questionId: number, votes: number): void {
    let m = this.dirtyVotes.get(sessionId);
    if (!m) {
      m = new Map();
      this.dirtyVotes.set(sessionId, m);
    }
    m.set(questionId, votes);
  }

  /** One absolute snapshot of the changed counts per session, never one message per vote. */
  private flushTallies(): void {
    if (this.dirtyVotes.size === 0) return;
    for (const [sessionId, changes] of this.dirtyVotes) {
      const votes = Object.fromEntries(changes);
      this.io.to(rooms.public(sessionId)).emit('votes:tally', { sessionId, seq: this.nextSeq(sessionId, 'public'), votes });
      this.io.to(rooms.staff(sessionId)).emit('votes:tally', { sessionId, seq: this.nextSeq(sessionId, 'staff'), votes });
    }
    this.dirtyVotes.clear();
  }

  private stageChanged(sessionId: number, questionId: number | null): void {
    this.io.to(rooms.public(sessionId)).emit('stage:changed', { sessionId, questionId, seq: this.nextSeq(sessionId, 'public') });
    this.io.to(rooms.staff(sessionId)).emit('stage:changed', { sessionId, questionId, seq: this.nextSeq(sessionId, 'staff') });
  }

  private sessionChanged(sessionId: number): void {
    const session = this.services.sessions.view(this.services.sessions.row(sessionId));
    this.io.to(rooms.public(sessionId)).emit('session:updated', { ...session, seq: this.nextSeq(sessionId, 'public') });
    this.io.to(rooms.staff(sessionId)).emit('session:updated', { ...session, seq: this.nextSeq(sessionId, 'staff') });
  }
}
