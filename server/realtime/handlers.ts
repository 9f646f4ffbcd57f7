import type { Socket } from 'socket.io';
import type { Static, TSchema } from 'typebox';
import type { Ack, ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events';
import { JoinSessionPayload, ModeratePayload, QuestionIdPayload, SessionIdPayload, SubmitQuestionPayload } from '../../shared/schemas/requests';
import type { Actor } from '../domain/actor';
import { DomainError, domainErrorOf } from '../domain/errors';
import type { RateLimiter, SharedBucket } from '../domain/rate-limiter';
import type { Services } from '../domain/services';
import type { Broadcaster } from './broadcaster';
import { rooms } from './rooms';
import { payloadParser } from './validate';

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

interface HandlerDeps {
  services: Services;
  broadcaster: Broadcaster;
  /**
   * The actor behind this socket, re-checked at each event (a disabled user
   * stops at once). A participant's is known at once (no await on the vote
   * path); a staff member's is read from the database.
   */
  actorOf: (socket: AppSocket) => Actor | Promise<Actor>;
  log: { error: (obj: object, msg: string) => void };
  /** `session:join` builds a snapshot: limited per socket and per token (or staff account). */
  joinLimits?: { perSocket: RateLimiter; perPrincipal: RateLimiter; principal: string; shared?: SharedBucket };
}

/**
 * Registers every client→server event on one socket. Called synchronously in
 * the connection handler so that no early event is missed.
 */
export function registerHandlers(socket: AppSocket, deps: HandlerDeps): void {
  const { services, broadcaster } = deps;

  const fail = (reply: (r: Ack<never>) => void, event: string, err: unknown): void => {
    const domain = domainErrorOf(err);
    if (domain) {
      reply({ ok: false, error: { code: domain.code, message: domain.message } });
    } else {
      deps.log.error({ err, event }, 'socket handler failed');
      reply({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    }
  };

  // validate → act through the domain → ack. Every path acks exactly once.
  // An action that returns a promise (the domain batches submissions and
  // votes into one COMMIT) is acked when it settles: after its COMMIT.
  const on = <S extends TSchema, R>(
    event: keyof ClientToServerEvents,
    schema: S,
    act: (actor: Actor, payload: Static<S>) => R | Promise<R>,
  ): void => {
    const parse = payloadParser(schema);
    socket.on(event, ((payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return; // nothing to answer to: the contract requires acks
      const reply = ack as (r: Ack<R>) => void;
      try {
        const actor = deps.actorOf(socket);
        const result = actor instanceof Promise ? actor.then((a) => act(a, parse(payload))) : act(actor, parse(payload));
        if (result instanceof Promise) {
          result.then(
            (data) => reply({ ok: true, data }),
            (err: unknown) => fail(reply, event, err),
          );
          return;
        }
        reply({ ok: true, data: result });
      } catch (err) {
        fail(reply, event, err);
      }
    }) as never);
  };

  /** Staff hear a session after joining it: the desk, the panel (leaders, the big screen) or a venue's desk, one at a time. */
  const enterRooms = (sessionId: number, audience: 'staff' | 'panel' | 'public', venue: number | null): void => {
    if (venue !== null) {
      void socket.leave(rooms.staff(sessionId));
      void socket.leave(rooms.panel(sessionId));
      void socket.join(rooms.venueStaff(sessionId, venue));
    } else if (audience === 'staff') {
      void socket.leave(rooms.panel(sessionId));
      void socket.join(rooms.staff(sessionId));
    } else if (audience === 'panel') {
      void socket.leave(rooms.staff(sessionId));
      void socket.join(rooms.panel(sessionId));
    }
  };

  on('session:join', JoinSessionPayload, async (actor, { sessionId, as }) => {
    const limits = deps.joinLimits;
    const asDisplay = as === 'display';
    if (broadcaster.clustered) return joinAcrossNodes(actor, sessionId, asDisplay);
    if (limits && (!limits.perSocket.tryTake(socket.id) || !limits.perPrincipal.tryTake(limits.principal))) {
      throw new DomainError('RATE_LIMITED', 'too many snapshots asked for; wait a moment');
    }
    const snap = await services.questions.snapshot(actor, sessionId, asDisplay);
    const audience = services.questions.audienceFor(actor, asDisplay);
    // A venue moderator hears its venue's desk only (never the whole session's).
    const venue = audience === 'staff' ? await services.sessions.venueScope(actor, sessionId) : null;
    // From here to the return nothing awaits: the rooms are joined and the
    // sequence read at one moment, so no message falls between the two.
    enterRooms(sessionId, audience, venue);
    return { ...snap, seq: (venue !== null ? broadcaster.venueDeskJoined(sessionId, venue) : broadcaster.currentSeq(sessionId, audience)) as number };
  });

  /**
   * Cluster mode: other nodes number and send messages too. The socket
   * enters its rooms, then the sequence number is read from Redis, then the
   * snapshot is built: whatever was numbered up to it had been committed
   * before the snapshot's reads, and whatever is numbered after reaches the
   * socket, already in its rooms. The snapshot cache serves only that number.
   */
  const joinAcrossNodes = async (actor: Actor, sessionId: number, asDisplay: boolean) => {
    // Per socket in memory (a socket lives on one node); per token or account in Redis, whichever node is asked.
    const limits = deps.joinLimits;
    if (limits && (!limits.perSocket.tryTake(socket.id) || (limits.shared ? !(await limits.shared.tryTake(limits.principal)) : !limits.perPrincipal.tryTake(limits.principal)))) {
      throw new DomainError('RATE_LIMITED', 'too many snapshots asked for; wait a moment');
    }
    await services.sessions.requireMemberOf(actor, sessionId); // before any room is entered
    const audience = services.questions.audienceFor(actor, asDisplay);
    const venue = audience === 'staff' ? await services.sessions.venueScope(actor, sessionId) : null;
    enterRooms(sessionId, audience, venue);
    const seq = await (venue !== null ? broadcaster.venueDeskJoined(sessionId, venue) : broadcaster.currentSeq(sessionId, audience));
    return { ...(await services.questions.snapshot(actor, sessionId, asDisplay, venue !== null ? `v${venue}:${seq}` : String(seq))), seq };
  };

  on('session:leave', SessionIdPayload, (_actor, { sessionId }) => {
    for (const room of socket.rooms) if (room.startsWith(`${rooms.staff(sessionId)}:v:`)) void socket.leave(room);
    void socket.leave(rooms.staff(sessionId));
    void socket.leave(rooms.panel(sessionId));
    return null;
  });

  on('question:submit', SubmitQuestionPayload, (actor, { sessionId, ...body }) => services.questions.submit(actor, sessionId, body));
  on('question:vote', QuestionIdPayload, (actor, { questionId }) => services.questions.vote(actor, questionId));
  on('question:unvote', QuestionIdPayload, (actor, { questionId }) => services.questions.unvote(actor, questionId));
  on('question:withdraw', QuestionIdPayload, (actor, { questionId }) => services.questions.withdraw(actor, questionId));
  on('question:moderate', ModeratePayload, (actor, { questionId, ...body }) => services.questions.moderate(actor, questionId, body));
}
