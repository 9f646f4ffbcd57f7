import type { Socket } from 'socket.io';
import type { Static, TSchema } from 'typebox';
import type { Ack, ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events';
import { ModeratePayload, QuestionIdPayload, SessionIdPayload, SubmitQuestionPayload } from '../../shared/schemas/requests';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import type { Services } from '../domain/services';
import type { Broadcaster } from './broadcaster';
import { rooms } from './rooms';
import { payloadParser } from './validate';

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

interface HandlerDeps {
  services: Services;
  broadcaster: Broadcaster;
  /** The actor behind this socket, re-checked at each event (a disabled user stops at once). */
  actorOf: (socket: AppSocket) => Actor;
  log: { error: (obj: object, msg: string) => void };
}

/**
 * Registers every client→server event on one socket. Called synchronously in
 * the connection handler so that no early event is missed.
 */
export function registerHandlers(socket: AppSocket, deps: HandlerDeps): void {
  const { services, broadcaster } = deps;

  // validate → act through the domain → ack. Every path acks exactly once.
  const on = <S extends TSchema, R>(
    event: keyof ClientToServerEvents,
    schema: S,
    act: (actor: Actor, payload: Static<S>) => R,
  ): void => {
    const parse = payloadParser(schema);
    socket.on(event, ((payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return; // nothing to answer to: the contract requires acks
      const reply = ack as (r: Ack<R>) => void;
      try {
        const data = act(deps.actorOf(socket), parse(payload));
        reply({ ok: true, data });
      } catch (err) {
        if (err instanceof DomainError) {
          reply({ ok: false, error: { code: err.code, message: err.message } });
        } else {
          deps.log.error({ err, event }, 'socket handler failed');
          reply({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
        }
      }
    }) as never);
  };

  on('session:join', SessionIdPayload, (actor, { sessionId }) => {
    const snap = services.questions.snapshot(actor, sessionId);
    const audience = actor.kind === 'staff' ? 'staff' : 'public';
    if (audience === 'staff') void socket.join(rooms.staff(sessionId));
    return { ...snap, seq: broadcaster.currentSeq(sessionId, audience) };
  });

  on('session:leave', SessionIdPayload, (_actor, { sessionId }) => {
    void socket.leave(rooms.staff(sessionId));
    return null;
  });

  on('question:submit', SubmitQuestionPayload, (actor, { sessionId, ...body }) => services.questions.submit(actor, sessionId, body));
  on('question:vote', QuestionIdPayload, (actor, { questionId }) => services.questions.vote(actor, questionId));
  on('question:unvote', QuestionIdPayload, (actor, { questionId }) => services.questions.unvote(actor, questionId));
  on('question:withdraw', QuestionIdPayload, (actor, { questionId }) => services.questions.withdraw(actor, questionId));
  on('question:moderate', ModeratePayload, (actor, { questionId, ...body }) => services.questions.moderate(actor, questionId, body));
}
