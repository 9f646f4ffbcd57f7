/**
 * A load-generating worker: `count` simulated phones. Three kinds:
 * - `raw` (the default): a bare `ws` client speaking the Engine.IO v4 /
 *   Socket.IO v5 wire protocol itself. It answers pings, reads its own acks
 *   (`43<id>[...]`) and only counts every other frame (frames and bytes, no
 *   decoding), so that the generator costs less than the server it measures.
 *   The first phone of each worker (the learner) also decodes question
 *   broadcasts, to learn which questions may be voted for.
 * - `app`: a real socket.io-client per phone (the old generator; it decodes
 *   every broadcast, which costs about as much as the server spends).
 * - `floor`: a bare `ws` client for the bare `ws` floor server.
 * Driven by bench/run.ts over IPC; every loop is bounded in count and time.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { FromWorker, JoinReport, PhaseReport, PhaseSpec, ToWorker } from './lib/protocol';

type AckBody = { ok: true; data: { id?: number; questionId?: number; votes?: number } } | { ok: false; error: { code: string } };

interface Participant {
  id: number;
  token: string;
  socket: Socket | null;
  ws: WebSocket | null;
  voted: Set<number>;
  wsAckSeq: number;
  /** raw mode: ack id → what to do with the ack when it comes. */
  pending: Map<number, (body: AckBody | null) => void> | null;
}

const send = (m: FromWorker) => process.send!(m);
const wallNow = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let init: Extract<ToWorker, { type: 'init' }>;
const people: Participant[] = [];
const knownQuestions: number[] = [];
const knownSet = new Set<number>();
let questionSeq = 0;
let learnerTaken = false;

// Per-phase counters, reset at each phase start.
let received: Record<string, number> = {};
let receivedBytes = 0;
let disconnects = 0;

const learnQuestion = (id: number) => {
  if (!knownSet.has(id)) {
    knownSet.add(id);
    knownQuestions.push(id);
  }
};

const bump = (r: Record<string, number>, k: string) => {
  r[k] = (r[k] ?? 0) + 1;
};

const TOPICS = [
  'đường giao thông liên thôn', 'học phí và trường lớp', 'nước sạch cho khu dân cư', 'giá phân bón vụ mùa',
  'vay vốn khởi nghiệp', 'đào tạo nghề cho thanh niên', 'thủ tục đất đai', 'điện chiếu sáng ngõ xóm',
  'chợ nông sản', 'bảo hiểm y tế hộ gia đình', 'xử lý rác thải', 'cấp phép kinh doanh',
];
const questionText = (n: number) =>
  `Kính gửi lãnh đạo, cho cháu hỏi về ${TOPICS[n % TOPICS.length]} tại thôn ${n % 97}, xóm ${n % 31}: ` +
  `khi nào thì có kế hoạch cụ thể và người dân cần làm gì (mã ${init.index}-${n})?`;

// ---- joining ----------------------------------------------------------------

async function joinOne(): Promise<{ p: Participant; httpMs: number }> {
  const t0 = performance.now();
  const res = await fetch(`${init.url}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: init.code }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { token?: string; participant?: { id: number }; error?: { code: string } };
  if (!res.ok || !body.token || !body.participant) throw new Error(`join ${res.status} ${body.error?.code ?? ''}`);
  return { p: { id: body.participant.id, token: body.token, socket: null, ws: null, voted: new Set(), wsAckSeq: 0, pending: null }, httpMs: performance.now() - t0 };
}

function connectApp(p: Participant, first: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(init.url, {
      path: '/socket.io',
      auth: { token: p.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 30_000,
    });
    socket.onAny((event: string) => bump(received, event));
    socket.on('disconnect', () => disconnects++);
    if (first) {
      // One socket per worker learns the question ids everyone is told about.
      socket.on('question:created', (q: { id: number; status: string }) => {
        if (q.status === 'approved' || q.status === 'on_stage') learnQuestion(q.id);
      });
    }
    socket.once('connect', () => {
      p.socket = socket;
      resolve();
    });
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

function connectFloor(p: Participant): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(init.url.replace(/^http/, 'ws') + '/', { perMessageDeflate: false });
    ws.on('message', (data: Buffer) => {
      // Acks are "43<id>[...]": counted apart, like the app's.
      bump(received, data[0] === 0x34 && data[1] === 0x33 ? 'ack' : 'broadcast');
    });
    ws.on('close', () => disconnects++);
    ws.once('open', () => {
      p.ws = ws;
      resolve();
    });
    ws.once('error', reject);
  });
}


// ---- raw Engine.IO v4 / Socket.IO v5 phones ---------------------------------

const C_0 = 0x30; // '0'
const C_2 = 0x32; // '2' ping (Engine.IO)
const C_3 = 0x33;
const C_4 = 0x34; // '4' message (Engine.IO)
const PONG = '3';

function connectRaw(p: Participant, learner: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = init.url.replace(/^http/, 'ws') + '/socket.io/?EIO=4&transport=websocket';
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    p.pending = new Map();
    let state: 'open' | 'connecting' | 'connected' = 'open';
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('connect timeout'));
    }, 30_000);
    ws.on('message', (data: Buffer) => {
      const c0 = data[0];
      if (c0 === C_2) {
        ws.send(PONG);
        return;
      }
      if (c0 !== C_4) {
        if (c0 === C_0 && state === 'open') {
          state = 'connecting';
          ws.send(`40${JSON.stringify({ token: p.token })}`);
        }
        return;
      }
      const c1 = data[1];
      if (state !== 'connected') {
        if (c1 === C_0) {
          state = 'connected';
          clearTimeout(timer);
          p.ws = ws;
          resolve();
        } else if (c1 === C_4) {
          clearTimeout(timer);
          ws.terminate();
          reject(new Error(`connect_error ${data.toString().slice(2, 80)}`));
        }
        return;
      }
      receivedBytes += data.length;
      if (c1 === C_3) {
        // 43<id>[body]: an ack. Only the digits and this body are read.
        let i = 2;
        let id = 0;
        while (i < data.length && data[i]! >= 0x30 && data[i]! <= 0x39) id = id * 10 + (data[i++]! - 0x30);
        bump(received, 'ack');
        const cb = p.pending!.get(id);
        if (!cb) return;
        p.pending!.delete(id);
        let body: AckBody | null = null;
        try {
          body = (JSON.parse(data.toString('utf8', i)) as [AckBody])[0];
        } catch {
          body = null;
        }
        cb(body);
        return;
      }
      // 42[...]: a broadcast, counted and not decoded (but by the learner).
      rawBroadcasts++;
      if (learner) learnQuestionFrame(data);
    });
    ws.on('close', () => {
      if (state === 'connected') disconnects++;
      for (const cb of p.pending!.values()) cb(null);
      p.pending!.clear();
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      if (state !== 'connected') reject(err);
    });
  });
}

let rawBroadcasts = 0;

function learnQuestionFrame(data: Buffer): void {
  if (data.length < 24 || data[2] !== 0x5b) return;
  const head = data.toString('latin1', 3, 22);
  if (!head.startsWith('"question:created"') && !head.startsWith('"question:updated"')) return;
  try {
    const q = (JSON.parse(data.toString('utf8', 2)) as [string, { id: number; status: string }])[1];
    if (q.status === 'approved' || q.status === 'on_stage') learnQuestion(q.id);
  } catch {
    /* a frame we do not understand is only counted */
  }
}

/** raw mode: `42<id>[event,payload]`, the ack comes back as `43<id>[body]`. */
function rawEmit(p: Participant, event: string, payload: string, timeoutMs: number, done: (err: Error | null, body: AckBody | null) => void): void {
  const ws = p.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    done(new Error('not connected'), null);
    return;
  }
  const id = p.wsAckSeq++;
  const timer = setTimeout(() => {
    if (p.pending!.delete(id)) done(new Error('timeout'), null);
  }, timeoutMs);
  p.pending!.set(id, (body) => {
    clearTimeout(timer);
    if (body === null) done(new Error('closed'), null);
    else done(null, body);
  });
  ws.send(`42${id}[${JSON.stringify(event)},${payload}]`);
}

async function joinAll(): Promise<void> {
  const report: JoinReport = { type: 'joined', index: init.index, joined: 0, failed: 0, errors: {}, httpMs: [], connectMs: [], firstStart: wallNow(), lastDone: 0 };
  let next = 0;
  const lane = async () => {
    while (next < init.count) {
      next++;
      try {
        let p: Participant;
        if (init.mode !== 'floor') {
          const j = await joinOne();
          p = j.p;
          report.httpMs.push(j.httpMs);
        } else {
          p = { id: 0, token: '', socket: null, ws: null, voted: new Set(), wsAckSeq: 0, pending: null };
        }
        const t1 = performance.now();
        if (init.mode === 'app') await connectApp(p, people.length === 0);
        else if (init.mode === 'raw') await connectRaw(p, !learnerTaken && (learnerTaken = true));
        else await connectFloor(p);
        report.connectMs.push(performance.now() - t1);
        people.push(p);
        report.joined++;
      } catch (err) {
        report.failed++;
        bump(report.errors, (err as Error).message.slice(0, 60));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, init.joinConcurrency) }, lane));
  report.lastDone = wallNow();
  send(report);
}

// ---- a timed phase ----------------------------------------------------------

async function runPhase(phase: PhaseSpec, drainMs: number, known: number[]): Promise<void> {
  for (const id of known) learnQuestion(id);
  received = {};
  receivedBytes = 0;
  rawBroadcasts = 0;
  disconnects = 0;
  const cpu0 = process.cpuUsage();
  const r: PhaseReport = {
    type: 'phaseDone',
    index: init.index,
    phase: phase.name,
    elapsedMs: 0,
    sent: { votes: 0, questions: 0 },
    noTarget: 0,
    ok: { votes: 0, questions: 0 },
    errors: {},
    timeouts: 0,
    voteAckMs: [],
    questionAckMs: [],
    voteAcks: [],
    questionAcks: [],
    received,
    disconnects: 0,
    loopDelay: { p50: 0, p99: 0, max: 0 },
    maxScheduleLagMs: 0,
    cpuSeconds: 0,
    wallSeconds: 0,
    receivedBytes: 0,
  };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let outstanding = 0;
  let voter = 0;
  let asker = Math.floor(people.length / 2);
  const n = people.length;

  const vote = () => {
    let p: Participant | undefined;
    let q: number | undefined;
    // Round-robin over participants spreads the per-person rate evenly; a
    // random question the person has not voted for yet.
    for (let tries = 0; tries < 8 && q === undefined; tries++) {
      p = people[voter++ % n]!;
      for (let k = 0; k < 8; k++) {
        const cand = knownQuestions[Math.floor(Math.random() * knownQuestions.length)];
        if (cand !== undefined && !p.voted.has(cand)) {
          q = cand;
          break;
        }
      }
    }
    if (!p || q === undefined) {
      r.noTarget++;
      return;
    }
    p.voted.add(q);
    r.sent.votes++;
    outstanding++;
    const qid = q;
    const pid = p.id;
    if (init.mode === 'floor') {
      p.ws!.send(`42${p.wsAckSeq++}["question:vote",{"questionId":${qid}}]`);
      outstanding--;
      return;
    }
    const t0 = performance.now();
    const onAck = (err: Error | null, ack: AckBody | null) => {
      outstanding--;
      if (err) {
        r.timeouts++;
        return;
      }
      const t1 = performance.now();
      if (ack!.ok) {
        r.ok.votes++;
        r.voteAckMs.push(t1 - t0);
        r.voteAcks.push(qid, pid, ack!.data.votes ?? 0, performance.timeOrigin + t1);
      } else {
        bump(r.errors, `vote:${ack!.error.code}`);
      }
    };
    if (init.mode === 'raw') rawEmit(p, 'question:vote', `{"questionId":${qid}}`, init.ackTimeoutMs, onAck);
    else p.socket!.timeout(init.ackTimeoutMs).emit('question:vote', { questionId: qid }, onAck);
  };

  const ask = () => {
    const p = people[asker++ % n]!;
    const seq = questionSeq++;
    const clientId = `bench-${init.index}-${seq}`;
    r.sent.questions++;
    outstanding++;
    if (init.mode === 'floor') {
      p.ws!.send(`42${p.wsAckSeq++}["question:submit",{"sessionId":1,"text":${JSON.stringify(questionText(seq))},"clientId":"${clientId}"}]`);
      outstanding--;
      return;
    }
    const t0 = performance.now();
    const pid = p.id;
    const onAck = (err: Error | null, ack: AckBody | null) => {
      outstanding--;
      if (err) {
        r.timeouts++;
        return;
      }
      if (ack!.ok) {
        r.ok.questions++;
        r.questionAckMs.push(performance.now() - t0);
        r.questionAcks.push([ack!.data.id!, pid, clientId]);
        // Voted for only once public (post-moderation): the learner hears it then.
        if (!phase.questionsPending) learnQuestion(ack!.data.id!);
      } else {
        bump(r.errors, `question:${ack!.error.code}`);
      }
    };
    const body = { sessionId: init.sessionId, text: questionText(seq), clientId };
    if (init.mode === 'raw') rawEmit(p, 'question:submit', JSON.stringify(body), init.ackTimeoutMs, onAck);
    else p.socket!.timeout(init.ackTimeoutMs).emit('question:submit', body, onAck);
  };

  const start = performance.now();
  let lastTick = start;
  // Open loop: what is due by now is sent now, whatever the server's pace.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      r.maxScheduleLagMs = Math.max(r.maxScheduleLagMs, now - lastTick - 5);
      lastTick = now;
      const elapsed = Math.min(now - start, phase.durationMs);
      const dueQ = Math.floor((phase.questionsPerSec * elapsed) / 1000) - r.sent.questions;
      const dueV = Math.floor((phase.votesPerSec * elapsed) / 1000) - r.sent.votes - r.noTarget;
      for (let i = 0; i < Math.min(dueQ, 1000); i++) ask();
      for (let i = 0; i < Math.min(dueV, 5000); i++) vote();
      if (now - start >= phase.durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  r.elapsedMs = performance.now() - start;
  // Wait for the acks still on their way (each has its own timeout), then for trailing broadcasts.
  const until = performance.now() + init.ackTimeoutMs + 1000;
  while (outstanding > 0 && performance.now() < until) await sleep(10);
  await sleep(drainMs);
  loop.disable();
  r.loopDelay = { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
  r.disconnects = disconnects;
  if (rawBroadcasts) received.broadcast = rawBroadcasts;
  r.received = received;
  r.receivedBytes = receivedBytes;
  const cpu = process.cpuUsage(cpu0);
  r.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  r.wallSeconds = (performance.now() - start) / 1000;
  send(r);
}

process.on('message', (m: ToWorker) => {
  void (async () => {
    try {
      if (m.type === 'init') {
        init = m;
        send({ type: 'ready', index: m.index, pid: process.pid });
      } else if (m.type === 'join') {
        await joinAll();
      } else if (m.type === 'phase') {
        await runPhase(m.phase, m.drainMs, m.knownQuestionIds);
      } else if (m.type === 'stop') {
        for (const p of people) {
          p.socket?.close();
          p.ws?.terminate();
        }
        process.exit(0);
      }
    } catch (err) {
      send({ type: 'error', index: init?.index ?? -1, message: (err as Error).stack ?? String(err) });
    }
  })();
});

// Never outlive the orchestrator.
process.on('disconnect', () => process.exit(0));
