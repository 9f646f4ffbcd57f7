import type { QuestionStatus } from '../../shared/schemas/enums';
import type { Services } from '../domain/services';
import { isPublicStatus } from '../domain/questions/question-view';
import type { ClusterSequencer, RoomEmitter, SeqCounter } from './cluster-sequencer';
import { MemorySeqs } from './cluster-sequencer';
import type { ClusterTallies, TallyDue } from './cluster-tallies';
import type { IoServer } from './plugin';
import { rooms } from './rooms';

/** Cluster mode's parts (see cluster-sequencer.ts and cluster-tallies.ts); absent on one node. */
export interface ClusterBroadcast {
  sequencer: ClusterSequencer;
  tallies: ClusterTallies;
  onError: (err: unknown) => void;
}

/** Each room hears its own numbered stream: the desk, the panel (leaders, big screens), the public. */
export type Audience = 'staff' | 'panel' | 'public';
const AUDIENCES: readonly Audience[] = ['staff', 'panel', 'public'];

/**
 * Turns domain events into socket messages. Each message goes to a room as
 * one emit, so Socket.IO encodes it once for all receivers; payloads are
 * shaped per audience (staff / public / the author), never per socket.
 *
 * Sequence numbers are per session and audience: staff see events the public
 * never does, so one shared counter would show the public false gaps.
 */
export class Broadcaster {
  /** Sequence numbers: in memory on one node, from Redis in cluster mode. */
  private readonly seqs: SeqCounter;
  /** Where room emits go: Socket.IO itself on one node; in cluster mode a batch sent once its numbers are taken. */
  private readonly io: RoomEmitter;
  private dirtyVotes = new Map<number, Map<number, number>>();
  /** Venue desks ever joined, per session, and their own sequence numbers (a venue desk never sees other venues' questions). */
  private readonly venueDesks = new Map<number, Set<number>>();
  /**
   * Question, stage and session broadcasts wait for the next flush (at most
   * one tally interval) and leave together with the tallies: a socket then
   * gets one write for the whole batch instead of one per event (see
   * coalesceWebSocketWrites). Measured in bench/README.md: the fan-out of a
   * question storm costs a fraction of the CPU per delivery.
   */
  private pending: (() => void | Promise<void>)[] = [];
  private readonly timer: NodeJS.Timeout;
  /**
   * The flush under way and any queued behind it. Sends that read the
   * database await, and two flushes must never interleave their messages
   * (each takes the next sequence numbers, in the order the events happened).
   */
  private flushing: Promise<void> | null = null;

  constructor(
    /** Socket.IO itself, for what is not a numbered room emit (dropping sockets, alerts). */
    private readonly server: IoServer,
    private readonly services: Services,
    tallyIntervalMs = 150,
    private readonly cluster: ClusterBroadcast | null = null,
  ) {
    this.seqs = cluster ? cluster.sequencer : new MemorySeqs();
    this.io = cluster ? cluster.sequencer : server;
    const { events } = services;
    events.on('question:changed', (e) => this.later(() => this.questionChanged(e.sessionId, e.questionId, e.created, e.previousStatus)));
    events.on('votes:changed', (e) => this.voteChanged(e.sessionId, e.questionId, e.votes));
    events.on('stage:changed', (e) => this.later(() => this.stageChanged(e.sessionId, e.questionId)));
    events.on('session:changed', (e) => this.later(() => this.sessionChanged(e.sessionId)));
    events.on('user:revoked', (e) => this.server.in(rooms.user(e.userId)).disconnectSockets(true));
    events.on('staff:unassigned', (e) =>
      this.server
        .in(rooms.user(e.userId))
        .socketsLeave([rooms.staff(e.sessionId), rooms.panel(e.sessionId), ...[...(this.venueDesks.get(e.sessionId) ?? [])].map((v) => rooms.venueStaff(e.sessionId, v))]),
    );
    events.on('participant:banned', (e) => this.server.in(rooms.participant(e.participantId)).disconnectSockets(true));
    events.on('votes:surge', (e) =>
      this.later(() => {
        this.server.to(rooms.staff(e.sessionId)).emit('moderation:alert', { kind: 'vote_surge', ...e, at: new Date().toISOString() });
      }),
    );
    // A tick while a flush still runs is skipped: the next one takes what arrived meanwhile.
    this.timer = setInterval(() => {
      if (!this.flushing) void this.flush();
    }, tallyIntervalMs);
    this.timer.unref();
  }

  /** Sends what is pending, after any flush under way. In cluster mode it also hands the tally leases over. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.cluster) await this.cluster.tallies.releaseAll().catch(this.cluster.onError);
  }

  private later(send: () => void | Promise<void>): void {
    this.pending.push(send);
  }

  /**
   * Runs after the flush under way, if any (one node or several: the one
   * place flushes are serialised); a failing flush does not stop the ones after it.
   */
  private flush(): Promise<void> {
    const run = (this.flushing ?? Promise.resolve()).then(() => (this.cluster ? this.clusterFlushOnce() : this.flushNow()));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.flushing = settled;
    void settled.then(() => {
      if (this.flushing === settled) this.flushing = null;
    });
    return run;
  }

  /** Everything that changed since the last flush, in the order it happened; the tallies last. */
  private async flushNow(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    // The counts known now go with this batch; votes cast while its sends
    // await wait for the next one, after the messages of their own batch
    // (a question created meanwhile is announced before its tally).
    const tallies = this.dirtyVotes;
    this.dirtyVotes = new Map();
    try {
      for (const send of pending) await send();
    } finally {
      this.flushTallies(tallies);
    }
  }

  /** Whether other nodes number and send messages too (cluster mode). */
  get clustered(): boolean {
    return this.cluster !== null;
  }

  /**
   * The sequence a snapshot for this audience is consistent with. In
   * cluster mode a promise, to be awaited before the snapshot is built: a
   * message numbered up to it was committed before the snapshot's reads.
   */
  currentSeq(sessionId: number, audience: Audience): number | Promise<number> {
    const stream = `${sessionId}:${audience}`;
    return this.cluster ? this.cluster.sequencer.read(stream) : this.seqs.current(stream);
  }

  /** A venue moderator's socket joined its venue's desk; the sequence its snapshot is consistent with. */
  venueDeskJoined(sessionId: number, venueId: number): number | Promise<number> {
    this.addVenueDesk(sessionId, venueId);
    const stream = `${sessionId}:v:${venueId}`;
    if (!this.cluster) return this.seqs.current(stream);
    const { sequencer, tallies } = this.cluster;
    return tallies.venueDeskJoined(sessionId, venueId).then(() => sequencer.read(stream));
  }

  private addVenueDesk(sessionId: number, venueId: number): void {
    let set = this.venueDesks.get(sessionId);
    if (!set) this.venueDesks.set(sessionId, (set = new Set()));
    set.add(venueId);
  }

  private nextVenueSeq(sessionId: number, venueId: number): number {
    return this.seqs.next(`${sessionId}:v:${venueId}`);
  }

  /** Events every venue desk of the session hears too (tallies, stage, session). */
  private toVenueDesks(sessionId: number, emit: (room: string, seq: number) => void): void {
    for (const v of this.venueDesks.get(sessionId) ?? []) emit(rooms.venueStaff(sessionId, v), this.nextVenueSeq(sessionId, v));
  }

  private nextSeq(sessionId: number, audience: Audience): number {
    return this.seqs.next(`${sessionId}:${audience}`);
  }

  private async questionChanged(sessionId: number, questionId: number, created: boolean, previousStatus?: QuestionStatus): Promise<void> {
    const event = created ? 'question:created' : 'question:updated';
    const views = await this.services.questions.views(questionId);
    if (!views) return;
    const { staff: staffView, panel: panelView, public: publicView, author: authorView } = views;
    this.io.to(rooms.staff(sessionId)).emit(event, { ...staffView, seq: this.nextSeq(sessionId, 'staff') });
    const venueId = staffView.venueId;
    if (venueId !== null && this.venueDesks.get(sessionId)?.has(venueId)) {
      this.io.to(rooms.venueStaff(sessionId, venueId)).emit(event, { ...staffView, seq: this.nextVenueSeq(sessionId, venueId) });
    }

    const author = staffView.participantId!;
    // The public hears of a question while it is public, and once more when
    // it stops being public (merged, withdrawn...) so that views drop it.
    const publicNow = isPublicStatus(staffView.status);
    const publicBefore = previousStatus !== undefined && isPublicStatus(previousStatus);
    if (publicNow || publicBefore) {
      this.io.to(rooms.panel(sessionId)).emit(event, { ...panelView, seq: this.nextSeq(sessionId, 'panel') });
      const seq = this.nextSeq(sessionId, 'public');
      this.io.to(rooms.public(sessionId)).except(rooms.participant(author)).emit(event, { ...publicView, seq });
      this.io.to(rooms.participant(author)).emit(event, { ...authorView, seq });
    } else {
      // Only the author may see it: no public sequence number is spent.
      this.io.to(rooms.participant(author)).emit(event, { ...authorView, seq: this.seqs.current(`${sessionId}:public`) });
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
  private flushTallies(dirty: Map<number, Map<number, number>>): void {
    for (const [sessionId, changes] of dirty) {
      // A question of this batch voted on again meanwhile: its latest count, so that a count never goes back.
      const later = this.dirtyVotes.get(sessionId);
      if (later) {
        for (const id of changes.keys()) {
          const v = later.get(id);
          if (v === undefined) continue;
          changes.set(id, v);
          later.delete(id);
        }
        if (later.size === 0) this.dirtyVotes.delete(sessionId);
      }
      const votes = Object.fromEntries(changes);
      for (const a of AUDIENCES) this.io.to(rooms[a](sessionId)).emit('votes:tally', { sessionId, seq: this.nextSeq(sessionId, a), votes });
      this.toVenueDesks(sessionId, (room, seq) => this.io.to(room).emit('votes:tally', { sessionId, seq, votes }));
    }
  }

  /** A tally of counts read rather than carried (cluster mode, see cluster-tallies.ts); the message is flushTallies' own. */
  private sendTally(sessionId: number, votes: Record<number, number>): void {
    for (const a of AUDIENCES) this.io.to(rooms[a](sessionId)).emit('votes:tally', { sessionId, seq: this.nextSeq(sessionId, a), votes });
    this.toVenueDesks(sessionId, (room, seq) => this.io.to(room).emit('votes:tally', { sessionId, seq, votes }));
  }

  /**
   * Cluster mode's flush: the votes this node took are marked in Redis, the
   * tallies this node holds the lease for are read, then the batch (events
   * in the order they happened, tallies last) gets its sequence numbers and
   * leaves. Run through flush(), one at a time, so that a node's messages
   * leave in sequence order.
   */
  private async clusterFlushOnce(): Promise<void> {
    const { sequencer, tallies, onError } = this.cluster!;
    const voted = this.dirtyVotes;
    this.dirtyVotes = new Map();
    let due: TallyDue[];
    try {
      const [d, desks] = await Promise.all([tallies.round(new Map([...voted].map(([s, m]) => [s, m.keys()]))), tallies.venueDesks()]);
      due = d;
      for (const [s, v] of desks) this.addVenueDesk(s, v);
    } catch (err) {
      // Redis away: the marks are pushed next time, the events wait.
      for (const [s, m] of voted) for (const [q, n] of m) this.voteChanged(s, q, n);
      onError(err);
      return;
    }
    const pending = this.pending;
    this.pending = [];
    for (const send of pending) await send();
    for (const { sessionId, ids } of due) {
      const votes = await this.services.questions.voteCounts(sessionId, ids);
      if (Object.keys(votes).length > 0) this.sendTally(sessionId, votes);
    }
    try {
      await sequencer.commit();
    } catch (err) {
      onError(err);
    }
  }

  private stageChanged(sessionId: number, questionId: number | null): void {
    for (const a of AUDIENCES) this.io.to(rooms[a](sessionId)).emit('stage:changed', { sessionId, questionId, seq: this.nextSeq(sessionId, a) });
    this.toVenueDesks(sessionId, (room, seq) => this.io.to(room).emit('stage:changed', { sessionId, questionId, seq }));
  }

  private async sessionChanged(sessionId: number): Promise<void> {
    const session = await this.services.sessions.view(await this.services.sessions.row(sessionId));
    for (const a of AUDIENCES) this.io.to(rooms[a](sessionId)).emit('session:updated', { ...session, seq: this.nextSeq(sessionId, a) });
    this.toVenueDesks(sessionId, (room, seq) => this.io.to(room).emit('session:updated', { ...session, seq }));
  }
}
