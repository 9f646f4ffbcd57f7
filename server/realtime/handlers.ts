import type { Socket } from 'socket.io';
import type { Static, TSchema } from 'typebox';
import type { Ack, ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events';
import { ModeratePayload, QuestionIdPayload, SessionIdPayload, SubmitQuestionPayload } from '../../shared/schemas/requests';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import type { Services } from '../domain/services';
import type { Broadcaster } from './broadcaster';
import type { GroupCommit } from '../db/group-commit';
import { rooms } from './rooms';
import { payloadParser } from './validate';

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

interface HandlerDeps {
  services: Services;
  broadcaster: Broadcaster;
  /** The actor behind this socket, re-checked at each event (a disabled user stops at once). */
  actorOf: (socket: AppSocket) => Actor;
  log: { error: (obj: object, msg: string) => void };
  /** Storm actions (submit, vote, unvote) share one COMMIT per event-loop turn. */
  groupCommit?: GroupCommit;
}

/**
 * Registers every client→server event on one socket. Called synchronously in
 * the connection handler so that no early event is missed.
 */
export function registerHandlers(socket: AppSocket, deps: HandlerDeps): void {
  const { services, broadcaster } = deps;

  const fail = (reply: (r: Ack<never>) => void, event: string, err: unknown): void => {
    if (err instanceof DomainError) {
      reply({ ok: false, error: { code: err.code, message: err.message } });
    } else {
      deps.log.error({ err, event }, 'socket handler failed');
      reply({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    }
  };

  // validate → act through the domain → ack. Every path acks exactly once.
  // `batched` actions go through the group commit: acked after their batch's COMMIT.
  const on = <S extends TSchema, R>(
    event: keyof ClientToServerEvents,
    schema: S,
    act: (actor: Actor, payload: Static<S>) => R,
    batched = false,
  ): void => {
    const parse = payloadParser(schema);
    socket.on(event, ((payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return; // nothing to answer to: the contract requires acks
      const reply = ack as (r: Ack<R>) => void;
      try {
        const actor = deps.actorOf(socket);
        const body = parse(payload);
        if (batched && deps.groupCommit) {
          deps.groupCommit.submit(
            () => act(actor, body),
            (err, data) => (err === undefined ? reply({ ok: true, data: data as R }) : fail(reply, event, err)),
          );
          return;
        }
        reply({ ok: true, data: act(actor, body) });
      } catch (err) {
        fail(reply, event, err);
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

  on('question:submit', SubmitQuestionPayload, (actor, { sessionId, ...body }) => services.questions.submit(actor, sessionId, body), true);
  on('question:vote', QuestionIdPayload, (actor, { questionId }) => services.questions.vote(actor, questionId), true);
  on('question:unvote', QuestionIdPayload, (actor, { questionId }) => services.questions.unvote(actor, questionId), true);
  on('question:withdraw', QuestionIdPayload, (actor, { questionId }) => services.questions.withdraw(actor, questionId));
  on('question:moderate', ModeratePayload, (actor, { questionId, ...body }) => services.questions.moderate(actor, questionId, body));
}
