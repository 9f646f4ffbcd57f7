import { io, type Socket } from 'socket.io-client';
import type { AckFn, ClientToServerEvents, ServerToClientEvents } from '../../../shared/events';
import { ApiError } from './api';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Same origin, the server's path; reconnects by itself with backoff. */
export function connectSocket(token: string): AppSocket {
  return io({
    path: '/socket.io',
    auth: { token },
    transports: ['websocket', 'polling'],
    // A hall's Wi-Fi or a proxy may block WebSocket: fall back to long-polling instead of failing.
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
}

type AckData<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends AckFn<infer T> ? T : never;
type Payload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ApiError['code']; message: string } };

/** Emits with a 5 s acknowledgement timeout; resolves with the data or throws an ApiError. */
export async function ask<E extends keyof ClientToServerEvents>(socket: AppSocket, event: E, payload: Payload<E>): Promise<AckData<E>> {
  // Socket.IO's generic emit signature cannot be narrowed by a generic event name.
  const emitter = socket.timeout(5000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<AckData<E>>> };
  let res: Ack<AckData<E>>;
  try {
    res = await emitter.emitWithAck(event, payload);
  } catch {
    throw new ApiError('TIMEOUT', 0);
  }
  if (!res.ok) throw new ApiError(res.error.code, 0, res.error.message);
  return res.data;
}

/** A client id for idempotent submits; works on plain-http LAN addresses where randomUUID does not. */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let s = '';
  for (const b of bytes) s += abc[b & 63];
  return s;
}
