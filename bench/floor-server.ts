/**
 * The floor: a bare `ws` server with no Socket.IO, no database and no logic.
 * It answers each inbound event frame with an ack frame of the app's shape
 * (encoded per client, as any ack must be) and replays the broadcast frames
 * the app sent during a phase, at the same offsets, each framed once and
 * written to every connection. Its CPU per delivery is what the hardware and
 * Node's socket layer cost, which the app is compared with.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as wsModule from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { FromFloor, ToFloor } from './lib/protocol';

type FramedSender = { sendFrame?: (list: Buffer[], cb?: () => void) => void };
// ws's Sender is public at runtime (Socket.IO pre-frames broadcasts with it) but not in @types/ws.
const Sender = (wsModule as unknown as { Sender: { frame: (data: Buffer, o: Record<string, boolean | number>) => Buffer[] } }).Sender;

const send = (m: FromFloor) => process.send!(m);
const clients = new Set<WebSocket>();
let acks = 0;
let voteCount = 0;
let questionAck = '{"id":0}';

const http = createServer((_req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 32 * 1024 });

wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
  ws.on('message', (data: Buffer) => {
    // "42<id>[event,payload]": answer "43<id>[ack]".
    const s = data.toString();
    if (!s.startsWith('42')) return;
    const open = s.indexOf('[');
    const id = s.slice(2, open);
    let body: string;
    if (s.includes('"question:vote"')) {
      const q = /"questionId":(\d+)/.exec(s)?.[1] ?? '0';
      body = `{"ok":true,"data":{"questionId":${q},"votes":${++voteCount % 5000}}}`;
    } else {
      body = `{"ok":true,"data":${questionAck}}`;
    }
    ws.send(`43${id}[${body}]`);
    acks++;
  });
});

/** One frame per broadcast, built once; each connection gets the same bytes. */
function broadcast(payload: string): number {
  const frame = Sender.frame(Buffer.from(payload), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false });
  let n = 0;
  for (const ws of clients) {
    if (ws.readyState !== WebSocket.OPEN) continue;
    const sender = (ws as unknown as { _sender: FramedSender })._sender;
    if (typeof sender.sendFrame === 'function') sender.sendFrame(frame);
    else ws.send(payload);
    n++;
  }
  return n;
}

async function replay(m: Extract<ToFloor, { type: 'phase' }>): Promise<void> {
  questionAck = m.questionAck;
  acks = 0;
  let deliveries = 0;
  let broadcasts = 0;
  const start = performance.now();
  const frames = [...m.frames].sort((a, b) => a[0] - b[0]);
  let i = 0;
  // One timer per frame, set for its offset: no polling loop to add CPU the app does not have.
  await new Promise<void>((resolve) => {
    const step = () => {
      const t = performance.now() - start;
      while (i < frames.length && frames[i]![0] <= t) {
        deliveries += broadcast(frames[i]![1]);
        broadcasts++;
        i++;
      }
      if (i >= frames.length) {
        setTimeout(resolve, Math.max(0, m.durationMs - t));
        return;
      }
      setTimeout(step, Math.max(0, frames[i]![0] - (performance.now() - start)));
    };
    step();
  });
  await new Promise((r) => setTimeout(r, m.drainMs));
  send({ type: 'phaseDone', phase: m.phase, broadcasts, deliveries, acks, connections: clients.size });
}

process.on('message', (m: ToFloor) => {
  if (m.type === 'phase') void replay(m);
  else if (m.type === 'stop') {
    for (const ws of clients) ws.terminate();
    http.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

http.listen(0, '127.0.0.1', () => {
  send({ type: 'listening', port: (http.address() as AddressInfo).port, pid: process.pid });
});
