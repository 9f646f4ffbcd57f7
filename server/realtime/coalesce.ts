import { createRequire } from 'node:module';

/**
 * engine.io's WebSocket transport writes each packet of a flush with its own
 * socket write (one syscall each). When several broadcasts leave together
 * (the Broadcaster flushes its batch at once), a socket's first packet goes
 * out at once and the rest queue in engine.io until that write completes;
 * this makes the queued ones leave in one corked write. Frames, order and
 * callbacks are unchanged: only the number of syscalls drops.
 */
let patched = false;

interface RawSocket {
  cork(): void;
  uncork(): void;
}
interface EngineWsTransport {
  socket?: { _socket?: RawSocket };
  send(packets: unknown[]): void;
}

export function coalesceWebSocketWrites(): void {
  if (patched) return;
  patched = true;
  // The engine.io that socket.io itself loads.
  const fromSocketIo = createRequire(createRequire(import.meta.url).resolve('socket.io'));
  const WebSocket = (fromSocketIo('engine.io') as { transports: { websocket: { prototype: EngineWsTransport } } }).transports.websocket;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: EngineWsTransport, packets: unknown[]) {
    const raw = packets.length > 1 ? this.socket?._socket : undefined;
    if (!raw) return send.call(this, packets);
    raw.cork();
    try {
      return send.call(this, packets);
    } finally {
      raw.uncork();
    }
  };
}
