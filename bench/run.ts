/**
 * `npm run bench`: the load benchmark. Starts the real server (production
 * mode, fresh temp data dir, loopback port), N real socket.io-client
 * participants spread over worker processes, and one observer; runs timed
 * phases (join ramp, question storm, vote storm, mixed); stops the server and
 * checks the database against every acknowledged action; then replays the
 * same traffic against a bare `ws` server (the floor). Prints a table and
 * writes JSON under bench/results/. Stops itself and cleans up on failure.
 *
 * Usage: npm run bench -- [--participants 2000] [--workers 2] [--mixed-seconds 30]
 *        [--vote-rate 3000] [--question-rate 50] [--phase-seconds 10] [--no-floor]
 *        [--profile] [--out bench/results/x.json] [--smoke]
 *        [--scenario two-nodes] [--nodes 1|2] [--engine sqlite|pg] [--pg-url URL] [--redis-url URL]
 *
 * Two nodes (--scenario two-nodes): two server processes on one fresh
 * PostgreSQL database and one Redis (a prefix of its own), both started at
 * once on the empty database; phones, observers and workers alternate between
 * the nodes, so a vote acknowledged by one node is timed until an observer on
 * the other shows it (cross-node vote-to-visible).
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { freshPgDatabase, pgRows, sqliteRows, sweepRedis, type StoredRows } from './lib/cluster';
import { cpuModel, cpuSeconds, machineLoad, memoryKb, pin, Sampler, schedSeconds, threadCpuSeconds, threadState } from './lib/proc';
import type { FromFloor, FromWorker, JoinReport, PhaseReport, PhaseSpec, ToFloor, ToWorker } from './lib/protocol';
import { round, summarize, table, type Summary } from './lib/stats';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN_PASSWORD = 'bench-admin-password';

export type Scenario = 'hall' | 'storm' | 'join' | 'two-nodes' | 'classic';

export interface BenchOptions {
  /** What the phases are (bench/README.md): set by --scenario; `phases` below is what actually runs. */
  scenario: Scenario;
  /** The session's moderation mode: 'pre' (questions wait for a moderator) or 'post' (public at once). */
  moderation: 'pre' | 'post';
  /** Questions submitted (and, in pre-moderation, approved) before the timed phases, so votes have targets. */
  seedQuestions: number;
  /** 'raw': Engine.IO/Socket.IO over bare ws, counted not decoded; 'sio': a socket.io-client per phone (the old generator). */
  client: 'raw' | 'sio';
  /** Real socket.io-client phones (in the orchestrator) that observe tallies: correctness and vote-to-visible latency. */
  observers: number;
  /** Pin the server to CPU 0 and the generator (workers and orchestrator) to CPU 1 with taskset. */
  pin: boolean;
  /** Run `node <dir>/dist/server/main.js` (a built tree, e.g. another commit for A/B); null runs server/main.ts here with tsx. */
  serverDir: string | null;
  /** Server processes sharing the session (2: cluster mode, needs PostgreSQL and Redis). */
  nodes: number;
  /** A PostgreSQL server where the bench may create (and then drops) a database of its own; null runs on SQLite in the temp dir. */
  pgUrl: string | null;
  /** Redis for the cluster mode (required with nodes > 1); the run uses a key prefix of its own and deletes its keys afterwards. */
  redisUrl: string | null;
  participants: number;
  workers: number;
  joinConcurrency: number;
  phases: PhaseSpec[];
  ackTimeoutMs: number;
  drainMs: number;
  /** Quiet time before the idle RSS reading, after the joins, and between phases. */
  settleMs: { idle: number; joined: number; between: number };
  floor: boolean;
  profile: boolean;
  /** Where to write the JSON result; null writes nothing. */
  out: string | null;
  /** Hard bound on the whole run. */
  maxRunMs: number;
  quiet: boolean;
  label: string;
}

export function defaultOptions(over: Partial<BenchOptions> = {}): BenchOptions {
  const participants = over.participants ?? 2000;
  return {
    scenario: 'classic',
    moderation: 'post',
    seedQuestions: 0,
    client: 'sio',
    observers: 1,
    pin: false,
    serverDir: null,
    nodes: 1,
    pgUrl: null,
    redisUrl: null,
    participants,
    workers: participants >= 500 ? 2 : 1,
    joinConcurrency: 64,
    phases: [
      { name: 'questions', durationMs: 10_000, votesPerSec: 0, questionsPerSec: 50 },
      { name: 'votes', durationMs: 10_000, votesPerSec: 3000, questionsPerSec: 0 },
      { name: 'mixed', durationMs: 30_000, votesPerSec: 3000, questionsPerSec: 50 },
    ],
    ackTimeoutMs: 10_000,
    drainMs: 1000,
    settleMs: { idle: 1500, joined: 3000, between: 1000 },
    floor: true,
    profile: false,
    out: null,
    maxRunMs: 20 * 60_000,
    quiet: false,
    label: '',
    ...over,
  };
}

// ---- small helpers ------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wallNow = () => performance.timeOrigin + performance.now();

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function api<T>(url: string, method: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...(token && { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Resolves with the first message matching `pred` from each of the children, or rejects after `ms`. */
function collect<M>(children: ChildProcess[], pred: (m: M) => boolean, ms: number, what: string): Promise<M[]> {
  return new Promise((res, rej) => {
    const got: M[] = [];
    const handlers = new Map<ChildProcess, (m: M) => void>();
    const exits = new Map<ChildProcess, (code: number | null) => void>();
    const done = (err?: Error) => {
      clearTimeout(timer);
      for (const [c, h] of handlers) c.off('message', h);
      for (const [c, h] of exits) c.off('exit', h);
      if (err) rej(err);
      else res(got);
    };
    const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    for (const c of children) {
      const h = (m: M) => {
        const e = m as { type?: string; message?: string };
        if (e.type === 'error') return done(new Error(`worker error: ${e.message}`));
        if (pred(m)) {
          c.off('message', h);
          handlers.delete(c);
          got.push(m);
          if (got.length === children.length) done();
        }
      };
      handlers.set(c, h);
      c.on('message', h);
      const x = (code: number | null) => done(new Error(`a child process exited (${code}) while waiting for ${what}`));
      exits.set(c, x);
      c.on('exit', x);
    }
  });
}

function waitExit(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((res) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      res(null);
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      res(code);
    });
  });
}

// ---- the observer -----------------------------------------------------------

/** One participant that records what everyone sees: tallies with arrival times, and the raw frames. */
class Observer {
  socket!: Socket;
  /** questionId → [wallMs, count, wallMs, count, ...] in arrival order. */
  readonly timeline = new Map<number, number[]>();
  readonly questionIds: number[] = [];
  private readonly known = new Set<number>();
  sampleQuestion = '';
  frames: [number, string][] = [];
  private recordingSince = 0;
  tallies = 0;

  async connect(url: string, token: string): Promise<void> {
    this.socket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((res, rej) => {
      this.socket.once('connect', () => res());
      this.socket.once('connect_error', rej);
    });
    this.socket.io.engine.on('packet', (p: { type: string; data?: unknown }) => {
      if (this.recordingSince && p.type === 'message' && typeof p.data === 'string') {
        this.frames.push([performance.now() - this.recordingSince, '4' + p.data]);
      }
    });
    this.socket.on('votes:tally', (t: { votes: Record<string, number> }) => {
      const at = wallNow();
      this.tallies++;
      for (const k in t.votes) {
        const q = Number(k);
        let line = this.timeline.get(q);
        if (!line) this.timeline.set(q, (line = []));
        line.push(at, t.votes[k]!);
      }
    });
    const learn = (q: { id: number; status: string }) => {
      if ((q.status === 'approved' || q.status === 'on_stage') && !this.known.has(q.id)) {
        this.known.add(q.id);
        this.questionIds.push(q.id);
      }
    };
    this.socket.on('question:created', (q: { id: number; status: string }) => {
      if (!this.sampleQuestion) this.sampleQuestion = JSON.stringify(q);
      learn(q);
    });
    this.socket.on('question:updated', learn);
  }

  record(): void {
    this.frames = [];
    this.recordingSince = performance.now();
  }

  stopRecording(): [number, string][] {
    this.recordingSince = 0;
    return this.frames;
  }

  /** Ms from the ack to the first tally showing at least the acked count (0 if it was shown before the ack arrived). */
  visibleAfter(questionId: number, count: number, ackWall: number): number | null {
    const line = this.timeline.get(questionId);
    if (!line) return null;
    // Counts only grow during the run (nobody unvotes): binary search on them.
    let lo = 0;
    let hi = line.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (line[mid * 2 + 1]! >= count) hi = mid;
      else lo = mid + 1;
    }
    if (lo >= line.length / 2) return null;
    return Math.max(0, line[lo * 2]! - ackWall);
  }

  /** The last count each question showed in this observer's tallies. */
  lastCounts(): Map<number, number> {
    const m = new Map<number, number>();
    for (const [q, line] of this.timeline) m.set(q, line[line.length - 1]!);
    return m;
  }

  close(): void {
    this.socket?.close();
  }
}

/** A moderator (staff socket.io-client at the desk): hears pending questions and approves them, oldest first. */
class Moderator {
  socket!: Socket;
  readonly pending: number[] = [];
  readonly ackMs: number[] = [];
  approved = 0;
  failed = 0;
  heard = 0;

  async connect(url: string, token: string, sessionId: number): Promise<void> {
    this.socket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((res, rej) => {
      this.socket.once('connect', () => res());
      this.socket.once('connect_error', rej);
    });
    this.socket.on('question:created', (q: { id: number; status: string }) => {
      this.heard++;
      if (q.status === 'pending') this.pending.push(q.id);
    });
    const ack = (await this.socket.timeout(10_000).emitWithAck('session:join', { sessionId })) as { ok: boolean };
    if (!ack.ok) throw new Error(`moderator could not join the desk: ${JSON.stringify(ack)}`);
  }

  /** Approves the oldest pending question; resolves when acked. */
  async approveOne(): Promise<boolean> {
    const id = this.pending.shift();
    if (id === undefined) return false;
    const t0 = performance.now();
    try {
      const ack = (await this.socket.timeout(10_000).emitWithAck('question:moderate', { questionId: id, action: 'approve' })) as { ok: boolean };
      this.ackMs.push(performance.now() - t0);
      if (ack.ok) this.approved++;
      else this.failed++;
      return ack.ok;
    } catch {
      this.failed++;
      return false;
    }
  }

  close(): void {
    this.socket?.close();
  }
}

// ---- results ----------------------------------------------------------------

export interface PhaseResult {
  name: string;
  durationS: number;
  offered: { votesPerSec: number; questionsPerSec: number };
  achieved: { votesPerSec: number; questionsPerSec: number };
  acked: { votes: number; questions: number };
  errors: Record<string, number>;
  timeouts: number;
  noTarget: number;
  voteAckMs: Summary;
  questionAckMs: Summary;
  voteToVisibleMs: Summary & { notVisible: number; beforeAck: number };
  /** Several nodes: vote-to-visible where the voter's node is the observer's (same) and where it is not (cross). */
  voteToVisibleByNode?: { same: Summary; cross: Summary };
  /** From the moment a vote left its phone to the first tally showing it at an observer: the voter's whole wait. */
  sentToVisibleMs: Summary;
  deliveries: number;
  deliveriesPerSec: number;
  received: Record<string, number>;
  disconnects: number;
  /** All nodes together, except mainThreadCores: the busiest node's main thread (the one that limits). */
  server: {
    cpuCores: number;
    mainThreadCores: number;
    peakCpuCores: number;
    cpuSeconds: number;
    usPerDelivery: number;
    rssMb: number;
    nodes: { mainThreadCores: number; cpuCores: number }[];
  };
  generator: {
    cpuCores: number;
    /** Each worker's own CPU (process.cpuUsage) / wall, and the orchestrator's (observers, moderator). */
    workerCores: number[];
    orchestratorCores: number;
    peakLoopDelayMs: number;
    loopDelayP99Ms: number;
    maxScheduleLagMs: number;
  };
  receivedBytes: number;
  /**
   * The scheduler's view (/proc schedstat and state): how much of the phase
   * the server's main thread was runnable but waited for a CPU (another
   * process had it), how often it was seen in disk wait (an fsync), and the
   * same wait for each generator process.
   */
  sched: { mainWaitForCpuShare: number; mainDiskWaitShare: number; mainStates: Record<string, number>; workerWaitForCpuShare: number[] };
  /** The phase's window on the monotonic clock (µs), to cut a --profile to it (bench/profile-top.ts --phase). */
  monoUs: [number, number];
  approvals?: { offeredPerSec: number; done: number; failed: number; ackMs: Summary };
  /** Which side limited the phase, and why. */
  limit: string;
  floor?: { cpuSeconds: number; cpuCores: number; deliveries: number; usPerDelivery: number; ratio: number };
}

export interface BenchResult {
  label: string;
  startedAt: string;
  machine: { cpu: string; cores: number; memGb: number; node: string; loadBefore: number[]; loadAfter: number[]; pinned: string | null };
  server: string;
  /** How many server processes, on which database engine. */
  deployment: { nodes: number; engine: 'sqlite' | 'postgresql'; firstStartBy: number };
  options: Omit<BenchOptions, 'out' | 'quiet' | 'pgUrl' | 'redisUrl'>;
  rateLimits: Record<string, string>;
  join: {
    participants: number;
    joined: number;
    failed: number;
    errors: Record<string, number>;
    timeToAllJoinedS: number;
    perSec: number;
    httpMs: Summary;
    connectMs: Summary;
    generatorCpuCores: number;
    serverCpuCores: number;
  };
  memory: { idleRssMb: number; joinedRssMb: number; perConnectionKb: number; peakRssMb: number; phasesPeakRssMb: number; peakOverJoined: number };
  phases: PhaseResult[];
  correctness: {
    questions: { acked: number; inDb: number; lost: number; duplicated: number; unacknowledgedInDb: number };
    votes: { acked: number; inDb: number; lost: number; duplicated: number; unacknowledgedInDb: number; countMismatches: number };
    /** Per observer and question with votes: the last tally it saw equals questions.votes in the database. */
    tallies: { observers: number; questions: number; checked: number; mismatches: number; examples: string[] };
    serverExitCode: number | null;
  };
  targets: { name: string; target: string; value: string; met: boolean }[];
  profile?: string;
}

// ---- the run -----------------------------------------------------------------

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const log = (...a: unknown[]) => {
    if (!opts.quiet) console.log(...a);
  };
  const children: ChildProcess[] = [];
  /** The server processes, node 1 first. */
  const servers: ChildProcess[] = [];
  /** What the run made outside its temp dir, to undo at the end: a PostgreSQL database, Redis keys under a prefix. */
  const made: { dropDatabase?: () => Promise<void>; redisPrefix?: string } = {};
  const dataDir = mkdtempSync(join(tmpdir(), 'langnghe-bench-'));
  // Profiles are large and machine-specific: kept outside the repository.
  const profileDir = opts.profile ? join(tmpdir(), 'langnghe-bench-profiles') : null;
  const serverLog: string[] = [];
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  // Also on process.exit (Ctrl-C): no child and no temp dir outlives the run.
  const onExit = () => {
    killAll();
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  let deadline: NodeJS.Timeout | undefined;
  const abort = new Promise<never>((_, rej) => {
    deadline = setTimeout(() => rej(new Error(`benchmark exceeded ${opts.maxRunMs} ms`)), opts.maxRunMs);
  });
  const observers: Observer[] = Array.from({ length: Math.max(1, opts.observers) }, () => new Observer());
  const observer = observers[0]!;
  const moderator = new Moderator();
  const sampler = new Sampler(() => children.filter((c) => c.pid && c.exitCode === null).map((c) => c.pid!));

  try {
    return await Promise.race([abort, body()]);
  } catch (err) {
    if (serverLog.length) console.error('--- server output (last lines) ---\n' + serverLog.join('').split('\n').slice(-40).join('\n'));
    throw err;
  } finally {
    clearTimeout(deadline);
    sampler.stop();
    for (const o of observers) o.close();
    moderator.close();
    for (const c of children) {
      if (c.connected) c.send({ type: 'stop' } satisfies ToWorker, () => undefined);
    }
    await Promise.all(children.map((c) => waitExit(c, 3000)));
    killAll();
    process.off('exit', onExit);
    rmSync(dataDir, { recursive: true, force: true });
    await made.dropDatabase?.().catch((err: unknown) => console.error(`could not drop the bench database: ${String(err)}`));
    if (made.redisPrefix && opts.redisUrl) await sweepRedis(opts.redisUrl, made.redisPrefix).catch((err: unknown) => console.error(`could not sweep the bench's Redis keys: ${String(err)}`));
  }

  async function body(): Promise<BenchResult> {
    const loadBefore = machineLoad();
    const startedAt = new Date().toISOString();
    const N = opts.participants;

    // Per-participant limits: the defaults hold a real audience; a storm
    // squeezed onto few participants would trip them, so raise them and say so.
    const rateLimits: Record<string, string> = {};
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'bench-secret-0123456789-0123456789-0123456789',
      // Every simulated phone joins from 127.0.0.1: the per-address join limit would stop the run.
      RATE_LIMIT_JOINS_PER_IP_PER_MINUTE: '0',
      MAX_SOCKETS_PER_IP: '0',
      // The question storm is the point of the bench: every question published at once.
      POST_MODERATION_PUBLISH_PER_MINUTE: '0',
    };
    const maxVotesPerMin = Math.max(...opts.phases.map((p) => (p.votesPerSec * 60) / N));
    const maxQuestionsPerMin = Math.max(...opts.phases.map((p) => (p.questionsPerSec * 60) / N));
    if (maxVotesPerMin > 120 * 0.8) env.RATE_LIMIT_VOTES_PER_MINUTE = rateLimits.RATE_LIMIT_VOTES_PER_MINUTE = String(Math.ceil(maxVotesPerMin * 2));
    if (maxQuestionsPerMin > 10 * 0.5) env.RATE_LIMIT_QUESTIONS_PER_MINUTE = rateLimits.RATE_LIMIT_QUESTIONS_PER_MINUTE = String(Math.ceil(maxQuestionsPerMin * 3));
    if (N + 100 > 60_000) env.RATE_LIMIT_IP_PER_MINUTE = rateLimits.RATE_LIMIT_IP_PER_MINUTE = String(N * 2);
    for (const [k, v] of Object.entries(rateLimits)) log(`! raised ${k}=${v} for this run (per-participant storm rate above the default)`);

    // -- the server (one process per node) -----------------------------------------
    if (opts.pgUrl) {
      const db = await freshPgDatabase(opts.pgUrl);
      made.dropDatabase = db.drop;
      env.DATABASE_URL = db.url;
    }
    if (opts.nodes > 1) {
      if (!opts.pgUrl || !opts.redisUrl) throw new Error('several nodes need PostgreSQL and Redis (--pg-url, --redis-url)');
      made.redisPrefix = `bench${process.pid}${Math.random().toString(36).slice(2, 8)}:`;
      env.REDIS_URL = opts.redisUrl;
      env.REDIS_PREFIX = made.redisPrefix;
    }
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const serverDir = opts.serverDir ? resolve(ROOT, opts.serverDir) : null;
    const urls: string[] = [];
    // All nodes at once: on an empty database they race to migrate and to create the first admin, as a real rollout would.
    for (let n = 0; n < opts.nodes; n++) {
      const port = await freePort();
      urls.push(`http://127.0.0.1:${port}`);
      // Each node has its own data dir (uploads, SQLite file when there is one); a cluster's data is in PostgreSQL.
      const nodeDir = n === 0 ? dataDir : join(dataDir, `node-${n + 1}`);
      mkdirSync(nodeDir, { recursive: true });
      const nodeEnv = { ...env, PORT: String(port), DATA_DIR: nodeDir, NODE_ID: `bench-node-${n + 1}` };
      const proc = serverDir
        ? spawn(process.execPath, [...prof, join(serverDir, 'dist', 'server', 'main.js')], { cwd: serverDir, env: nodeEnv, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(process.execPath, ['--import', 'tsx', ...prof, 'server/main.ts'], { cwd: ROOT, env: nodeEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(proc);
      servers.push(proc);
      const keep = (b: Buffer) => {
        serverLog.push(opts.nodes > 1 ? `[node ${n + 1}] ${b.toString()}` : b.toString());
        if (serverLog.length > 200) serverLog.shift();
      };
      proc.stdout!.on('data', keep);
      proc.stderr!.on('data', keep);
    }
    const server = servers[0]!;
    const url = urls[0]!;
    let pinned: string | null = null;
    if (opts.pin) {
      if (pin(server.pid!, '0') && pin(process.pid, '1')) pinned = 'server on CPU 0; generator (workers, observers, moderator) on CPU 1';
      else log('! taskset failed: not pinned');
    }
    // Generous: a loaded machine (CI runs test files side by side) starts tsx slowly.
    const healthyBy = performance.now() + 120_000;
    for (let n = 0; n < servers.length; n++) {
      for (;;) {
        if (servers[n]!.exitCode !== null) throw new Error(`server ${n + 1} exited with ${servers[n]!.exitCode}`);
        if (performance.now() > healthyBy) throw new Error(`server ${n + 1} did not become healthy in 120 s`);
        try {
          await api(`${urls[n]}/api/health`, 'GET');
          break;
        } catch {
          await sleep(100);
        }
      }
    }
    // Who created the first admin and the sample session: exactly one node when they start together.
    const firstStartBy = serverLog.join('').split('First start').length - 1;
    sampler.start();
    log(`${servers.length > 1 ? `${servers.length} nodes` : 'server'} pid ${servers.map((p) => p.pid).join(', ')} on ${urls.join(', ')}, ${opts.pgUrl ? 'PostgreSQL' : 'SQLite'}, data in ${dataDir}`);

    const { token: admin } = await api<{ token: string }>(`${url}/api/auth/login`, 'POST', { username: 'admin', password: ADMIN_PASSWORD });
    const session = await api<{ id: number; code: string }>(
      `${url}/api/sessions`,
      'POST',
      { title: 'Benchmark: đối thoại trực tuyến', audience: 'Mọi người dân', startsAt: new Date().toISOString(), moderation: opts.moderation },
      admin,
    );
    await api(`${url}/api/sessions/${session.id}`, 'PATCH', { status: 'open' }, admin);
    await api(`${url}/api/sessions/${session.id}`, 'PATCH', { status: 'live' }, admin);
    // Observer i watches node i mod n; phones of worker w are on node w mod n.
    const nodeOfObserver = (i: number) => i % servers.length;
    const nodeOfWorker = (w: number) => w % servers.length;
    for (let i = 0; i < observers.length; i++) {
      const at = urls[nodeOfObserver(i)]!;
      const obs = await api<{ token: string }>(`${at}/api/join`, 'POST', { code: session.code, displayName: `observer ${i + 1}` });
      await observers[i]!.connect(at, obs.token);
    }
    if (opts.moderation === 'pre') await moderator.connect(url, admin, session.id);
    await sleep(opts.settleMs.idle);
    // Every node's figure, added up (CPU, memory) or one per node.
    const cpuOfServers = () => servers.reduce((a, p) => a + (cpuSeconds(p.pid!) ?? 0), 0);
    const rssOfServers = (which: 'rss' | 'hwm') => servers.reduce((a, p) => a + (memoryKb(p.pid!)?.[which] ?? 0), 0);
    const idleRss = rssOfServers('rss');

    // -- the generator -----------------------------------------------------------
    const startWorkers = async (mode: 'app' | 'raw' | 'floor', targets: string[]): Promise<ChildProcess[]> => {
      const ws: ChildProcess[] = [];
      for (let i = 0; i < opts.workers; i++) {
        const w = fork(join(ROOT, 'bench', 'worker.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        children.push(w);
        ws.push(w);
        if (pinned) pin(w.pid!, '1');
      }
      const ready = collect<FromWorker>(ws, (m) => m.type === 'ready', 30_000, 'workers ready');
      ws.forEach((w, i) => {
        const count = Math.floor(N / opts.workers) + (i < N % opts.workers ? 1 : 0);
        w.send({
          type: 'init',
          mode,
          index: i,
          url: targets[i % targets.length]!,
          code: session.code,
          sessionId: session.id,
          count,
          joinConcurrency: Math.max(1, Math.ceil(opts.joinConcurrency / opts.workers)),
          ackTimeoutMs: opts.ackTimeoutMs,
        } satisfies ToWorker);
      });
      await ready;
      return ws;
    };
    // Each worker sends its share of the offered rates.
    const share = (spec: PhaseSpec): PhaseSpec => ({ ...spec, votesPerSec: spec.votesPerSec / opts.workers, questionsPerSec: spec.questionsPerSec / opts.workers });
    const cpuOf = (cs: ChildProcess[]) => cs.reduce((s, c) => s + (cpuSeconds(c.pid!) ?? 0), 0);

    const appWorkers = await startWorkers(opts.client === 'raw' ? 'raw' : 'app', urls);
    log(`joining ${N} participants through ${opts.workers} worker process(es)...`);
    const joinServerCpu0 = cpuOfServers();
    const joinGenCpu0 = cpuOf(appWorkers);
    const joinT0 = wallNow();
    const joinedP = collect<JoinReport>(appWorkers, (m) => (m as { type: string }).type === 'joined', 5 * 60_000, 'joins');
    for (const w of appWorkers) w.send({ type: 'join' } satisfies ToWorker);
    const joinReports = await joinedP;
    const joinT1 = Math.max(...joinReports.map((r) => r.lastDone));
    const joinWall = (wallNow() - joinT0) / 1000;
    const joinServerCpu = cpuOfServers() - joinServerCpu0;
    const joinGenCpu = cpuOf(appWorkers) - joinGenCpu0;
    const joined = joinReports.reduce((s, r) => s + r.joined, 0);
    const joinErrors: Record<string, number> = {};
    for (const r of joinReports) for (const [k, v] of Object.entries(r.errors)) joinErrors[k] = (joinErrors[k] ?? 0) + v;
    const timeToAll = (joinT1 - joinT0) / 1000;
    log(`joined ${joined}/${N} in ${round(timeToAll, 2)} s${joined < N ? ` (failures: ${JSON.stringify(joinErrors)})` : ''}`);
    if (joined === 0) throw new Error('no participant could join');
    await sleep(opts.settleMs.joined);
    const joinedRss = rssOfServers('rss');

    // -- phases ------------------------------------------------------------------
    type Raw = {
      spec: PhaseSpec;
      reports: PhaseReport[];
      serverCpu: number;
      serverMain: number;
      /** Per node: all threads, main thread (CPU seconds over the phase). */
      nodeCpu: number[];
      nodeMain: number[];
      genCpu: number;
      orchCpu: number;
      wallS: number;
      from: number;
      to: number;
      frames: [number, string][];
      monoUs: [number, number];
      sched: { serverWait: number; serverRun: number; workerWait: number[]; states: Record<string, number> };
      approvals?: { done: number; failed: number; ackMs: number[] };
    };
    const phaseRaw: Raw[] = [];
    for (const spec of opts.phases) {
      log(`phase ${spec.name}: ${spec.votesPerSec} votes/s + ${spec.questionsPerSec} questions/s${spec.approvalsPerSec ? ` + ${spec.approvalsPerSec} approvals/s` : ''} for ${spec.durationMs / 1000} s`);
      const s0 = servers.map((p) => cpuSeconds(p.pid!)!);
      const m0 = servers.map((p) => threadCpuSeconds(p.pid!)!);
      const g0 = cpuOf(appWorkers);
      const o0 = process.cpuUsage();
      const sch0 = servers.map((p) => schedSeconds(p.pid!)!);
      const wsch0 = appWorkers.map((w) => schedSeconds(w.pid!));
      // Each node's main thread, every 50 ms: running/runnable (R), sleeping (S), waiting for the disk (D).
      const states: Record<string, number> = {};
      const stateTimer = setInterval(() => {
        for (const p of servers) {
          const st = threadState(p.pid!);
          if (st) states[st] = (states[st] ?? 0) + 1;
        }
      }, 50);
      const mono0 = Number(process.hrtime.bigint() / 1000n);
      const from = Date.now();
      const t0 = performance.now();
      observer.record();
      const a0 = { done: moderator.approved, failed: moderator.failed, n: moderator.ackMs.length };
      const done = collect<PhaseReport>(appWorkers, (m) => (m as { type: string }).type === 'phaseDone', spec.durationMs + opts.ackTimeoutMs + opts.drainMs + 30_000, `phase ${spec.name}`);
      for (const w of appWorkers) w.send({ type: 'phase', phase: share(spec), drainMs: opts.drainMs, knownQuestionIds: observer.questionIds } satisfies ToWorker);
      // The moderator's approvals, open loop like the phones: what is due is sent.
      let approvalTimer: NodeJS.Timeout | undefined;
      const inFlight: Promise<boolean>[] = [];
      if (spec.approvalsPerSec) {
        let sent = 0;
        approvalTimer = setInterval(() => {
          const el = Math.min(performance.now() - t0, spec.durationMs);
          const due = Math.floor((spec.approvalsPerSec! * el) / 1000) - sent;
          for (let i = 0; i < due && moderator.pending.length; i++) {
            sent++;
            inFlight.push(moderator.approveOne());
          }
          if (el >= spec.durationMs) clearInterval(approvalTimer);
        }, 50);
      }
      const reports = await done;
      clearInterval(stateTimer);
      const sch1 = servers.map((p) => schedSeconds(p.pid!)!);
      // Averaged over the nodes: a share of the phase per main thread.
      const schedDelta = (k: 'wait' | 'run') => sch1.reduce((a, x, n) => a + x[k] - sch0[n]![k], 0) / servers.length;
      const workerWait = appWorkers.map((w, i) => {
        const a = wsch0[i];
        const b = schedSeconds(w.pid!);
        return a && b ? b.wait - a.wait : 0;
      });
      clearInterval(approvalTimer);
      await Promise.all(inFlight);
      const wallS = (performance.now() - t0) / 1000;
      const oc = process.cpuUsage(o0);
      phaseRaw.push({
        spec,
        reports,
        nodeCpu: servers.map((p, n) => cpuSeconds(p.pid!)! - s0[n]!),
        nodeMain: servers.map((p, n) => threadCpuSeconds(p.pid!)! - m0[n]!),
        serverCpu: servers.reduce((a, p, n) => a + cpuSeconds(p.pid!)! - s0[n]!, 0),
        // The busiest node's main thread is the one that limits.
        serverMain: Math.max(...servers.map((p, n) => threadCpuSeconds(p.pid!)! - m0[n]!)),
        genCpu: cpuOf(appWorkers) - g0,
        orchCpu: (oc.user + oc.system) / 1e6,
        wallS,
        from,
        to: Date.now(),
        monoUs: [mono0, Number(process.hrtime.bigint() / 1000n)],
        sched: { serverWait: schedDelta('wait'), serverRun: schedDelta('run'), workerWait, states },
        frames: observer.stopRecording(),
        ...(spec.approvalsPerSec && { approvals: { done: moderator.approved - a0.done, failed: moderator.failed - a0.failed, ackMs: moderator.ackMs.slice(a0.n) } }),
      });
      // Pre-moderation: the seed questions are approved at once, so that the timed phases have targets.
      if (spec.name === 'seed' && opts.moderation === 'pre') {
        await sleep(300);
        while (moderator.pending.length) await moderator.approveOne();
        log(`seed: ${moderator.approved} questions approved by the moderator`);
        await sleep(300);
      }
      await sleep(opts.settleMs.between);
    }
    const peakRss = rssOfServers('hwm');
    // A server that fell behind still owes tallies: wait until the observers hear none for 1.5 s (at most 30 s).
    for (const quietSince = performance.now(); performance.now() - quietSince < 30_000; ) {
      const n = observers.reduce((a, o) => a + o.tallies, 0);
      await sleep(1500);
      if (observers.reduce((a, o) => a + o.tallies, 0) === n) break;
    }
    const lastCounts = observers.map((o) => o.lastCounts());

    // -- stop the app and check the database --------------------------------------
    for (const w of appWorkers) w.send({ type: 'stop' } satisfies ToWorker);
    await Promise.all(appWorkers.map((w) => waitExit(w, 10_000)));
    for (const o of observers) o.close();
    moderator.close();
    for (const p of servers) p.kill('SIGTERM');
    const exitCodes = await Promise.all(servers.map((p) => waitExit(p, 20_000)));
    // The worst exit: any node that did not stop cleanly shows here.
    const serverExitCode = exitCodes.find((c) => c !== 0) ?? 0;
    sampler.stop();
    const stored = env.DATABASE_URL ? await pgRows(env.DATABASE_URL, session.id) : sqliteRows(join(dataDir, 'lang-nghe.db'), session.id);
    const correctness = checkDatabase(stored, phaseRaw.flatMap((p) => p.reports), serverExitCode, lastCounts);
    let profile: string | undefined;
    if (profileDir) {
      // One file per thread (tsx adds a loader thread): the main thread's is the largest.
      const mine = readdirSync(profileDir)
        .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${server.pid}.`))
        .map((f) => ({ f, size: statSync(join(profileDir, f)).size }))
        .sort((a, b) => b.size - a.size)[0];
      if (mine) profile = join(profileDir, mine.f);
    }

    // -- the floor: same connections, same frames, bare ws ------------------------------
    const floorRaw = new Map<string, { cpu: number; wallS: number; deliveries: number }>();
    // The floor is one bare process: against several nodes its ratio would compare unlike things.
    if (opts.floor && servers.length === 1) {
      log('floor: bare ws server, same connections and frames...');
      const floor = fork(join(ROOT, 'bench', 'floor-server.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(floor);
      const [listening] = await collect<FromFloor>([floor], (m) => m.type === 'listening', 30_000, 'floor server');
      const floorUrl = `http://127.0.0.1:${(listening as { port: number }).port}`;
      const floorWorkers = await startWorkers('floor', [floorUrl]);
      const floorJoined = collect<JoinReport>(floorWorkers, (m) => (m as { type: string }).type === 'joined', 5 * 60_000, 'floor connections');
      for (const w of floorWorkers) w.send({ type: 'join' } satisfies ToWorker);
      await floorJoined;
      await sleep(opts.settleMs.between);
      for (const ph of phaseRaw) {
        const c0 = cpuSeconds(floor.pid!)!;
        const t0 = performance.now();
        const fDone = collect<FromFloor>([floor], (m) => m.type === 'phaseDone', ph.spec.durationMs + 60_000, 'floor phase');
        const wDone = collect<PhaseReport>(floorWorkers, (m) => (m as { type: string }).type === 'phaseDone', ph.spec.durationMs + 60_000, 'floor workers');
        floor.send({ type: 'phase', phase: ph.spec.name, durationMs: ph.spec.durationMs, drainMs: opts.drainMs, frames: ph.frames, questionAck: observer.sampleQuestion || '{}' } satisfies ToFloor);
        for (const w of floorWorkers) w.send({ type: 'phase', phase: share(ph.spec), drainMs: opts.drainMs, knownQuestionIds: observer.questionIds } satisfies ToWorker);
        const [fr] = (await fDone) as Extract<FromFloor, { type: 'phaseDone' }>[];
        await wDone;
        floorRaw.set(ph.spec.name, { cpu: cpuSeconds(floor.pid!)! - c0, wallS: (performance.now() - t0) / 1000, deliveries: fr!.deliveries + fr!.acks });
        await sleep(opts.settleMs.between);
      }
      for (const w of floorWorkers) w.send({ type: 'stop' } satisfies ToWorker);
      floor.send({ type: 'stop' } satisfies ToFloor);
    }

    // -- assemble -----------------------------------------------------------------
    const phases: PhaseResult[] = phaseRaw.map((ph) => {
      const rs = ph.reports;
      const sum = (f: (r: PhaseReport) => number) => rs.reduce((s, r) => s + f(r), 0);
      const errors: Record<string, number> = {};
      const received: Record<string, number> = {};
      for (const r of rs) {
        for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
        for (const [k, v] of Object.entries(r.received)) received[k] = (received[k] ?? 0) + v;
      }
      const acks = sum((r) => r.ok.votes + r.ok.questions + Object.values(r.errors).reduce((a, b) => a + b, 0));
      const deliveries = Object.values(received).reduce((a, b) => a + b, 0) + acks;
      const v2v: number[] = [];
      const s2v: number[] = [];
      const sameNode: number[] = [];
      const crossNode: number[] = [];
      let notVisible = 0;
      let beforeAck = 0;
      for (const r of rs) {
        for (let i = 0; i < r.voteAcks.length; i += 4) {
          // voteAckMs is pushed with voteAcks, in the same order: the vote left its phone ackMs before the ack came.
          const ackMs = r.voteAckMs[i / 4]!;
          observers.forEach((o, oi) => {
            const ms = o.visibleAfter(r.voteAcks[i]!, r.voteAcks[i + 2]!, r.voteAcks[i + 3]! - ackMs);
            if (ms === null) notVisible++;
            else {
              const afterAck = Math.max(0, ms - ackMs);
              if (afterAck === 0) beforeAck++;
              v2v.push(afterAck);
              s2v.push(ms);
              (nodeOfWorker(r.index) === nodeOfObserver(oi) ? sameNode : crossNode).push(afterAck);
            }
          });
        }
      }
      const durS = ph.spec.durationMs / 1000;
      const fl = floorRaw.get(ph.spec.name);
      const usPerDelivery = deliveries ? (ph.serverCpu * 1e6) / deliveries : NaN;
      const floorUs = fl && fl.deliveries ? (fl.cpu * 1e6) / fl.deliveries : NaN;
      const workerCores = rs.map((r) => (r.cpuSeconds || 0) / Math.max(0.001, r.wallSeconds || ph.wallS));
      const orchestratorCores = ph.orchCpu / ph.wallS;
      const mainThreadCores = ph.serverMain / ph.wallS;
      const nStates = Object.values(ph.sched.states).reduce((a, b) => a + b, 0) || 1;
      const sched = {
        mainWaitForCpuShare: ph.sched.serverWait / ph.wallS,
        mainDiskWaitShare: (ph.sched.states.D ?? 0) / nStates,
        mainStates: ph.sched.states,
        workerWaitForCpuShare: ph.sched.workerWait.map((w) => w / ph.wallS),
      };
      const limit = limitOf({
        mainThreadCores,
        serverCores: ph.serverCpu / ph.wallS,
        workerCores,
        orchestratorCores,
        pinned: pinned !== null,
        cores: loadBefore.cores,
        load1: Math.max(loadBefore.load1, machineLoad().load1),
        serverWaitShare: sched.mainWaitForCpuShare,
        serverDiskShare: sched.mainDiskWaitShare,
      });
      return {
        name: ph.spec.name,
        durationS: durS,
        offered: { votesPerSec: ph.spec.votesPerSec, questionsPerSec: ph.spec.questionsPerSec },
        achieved: { votesPerSec: sum((r) => r.ok.votes) / durS, questionsPerSec: sum((r) => r.ok.questions) / durS },
        acked: { votes: sum((r) => r.ok.votes), questions: sum((r) => r.ok.questions) },
        errors,
        timeouts: sum((r) => r.timeouts),
        noTarget: sum((r) => r.noTarget),
        voteAckMs: summarize(rs.flatMap((r) => r.voteAckMs)),
        questionAckMs: summarize(rs.flatMap((r) => r.questionAckMs)),
        voteToVisibleMs: { ...summarize(v2v), notVisible, beforeAck },
        ...(servers.length > 1 && { voteToVisibleByNode: { same: summarize(sameNode), cross: summarize(crossNode) } }),
        sentToVisibleMs: summarize(s2v),
        deliveries,
        deliveriesPerSec: deliveries / ph.wallS,
        received,
        disconnects: sum((r) => r.disconnects),
        receivedBytes: sum((r) => r.receivedBytes || 0),
        limit,
        monoUs: ph.monoUs,
        ...(ph.approvals && {
          approvals: { offeredPerSec: ph.spec.approvalsPerSec!, done: ph.approvals.done, failed: ph.approvals.failed, ackMs: summarize(ph.approvals.ackMs) },
        }),
        sched,
        server: {
          cpuSeconds: ph.serverCpu,
          cpuCores: ph.serverCpu / ph.wallS,
          mainThreadCores,
          peakCpuCores: Math.max(...servers.map((p) => sampler.peakCpuShare(p.pid!, ph.from, ph.to))),
          usPerDelivery,
          rssMb: servers.reduce((a, p) => a + sampler.peakRss(p.pid!, ph.from, ph.to), 0) / 1024,
          nodes: servers.map((_, n) => ({ mainThreadCores: ph.nodeMain[n]! / ph.wallS, cpuCores: ph.nodeCpu[n]! / ph.wallS })),
        },
        generator: {
          cpuCores: ph.genCpu / ph.wallS + orchestratorCores,
          workerCores,
          orchestratorCores,
          peakLoopDelayMs: Math.max(...rs.map((r) => r.loopDelay.max)),
          loopDelayP99Ms: Math.max(...rs.map((r) => r.loopDelay.p99)),
          maxScheduleLagMs: Math.max(...rs.map((r) => r.maxScheduleLagMs)),
        },
        ...(fl && { floor: { cpuSeconds: fl.cpu, cpuCores: fl.cpu / fl.wallS, deliveries: fl.deliveries, usPerDelivery: floorUs, ratio: usPerDelivery / floorUs } }),
      };
    });

    const phasesPeak = Math.max(0, ...phaseRaw.map((ph) => servers.reduce((a, p) => a + sampler.peakRss(p.pid!, ph.from, ph.to), 0)));
    const mem = {
      idleRssMb: idleRss / 1024,
      joinedRssMb: joinedRss / 1024,
      perConnectionKb: (joinedRss - idleRss) / Math.max(1, joined),
      peakRssMb: peakRss / 1024,
      phasesPeakRssMb: phasesPeak / 1024,
      peakOverJoined: phasesPeak / joinedRss,
    };
    const result: BenchResult = {
      label: opts.label,
      startedAt,
      machine: {
        cpu: cpuModel(),
        cores: loadBefore.cores,
        memGb: round(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024 / 1024, 1),
        node: process.version,
        loadBefore: [loadBefore.load1, loadBefore.load5],
        loadAfter: [machineLoad().load1, machineLoad().load5],
        pinned,
      },
      server: serverDir ? `node ${join(serverDir, 'dist/server/main.js')}${gitHead(serverDir)}` : `tsx server/main.ts${gitHead(ROOT)}`,
      deployment: { nodes: servers.length, engine: opts.pgUrl ? 'postgresql' : 'sqlite', firstStartBy },
      // The URLs may carry credentials: not written to the result.
      options: (({ out: _o, quiet: _q, pgUrl: _p, redisUrl: _r, ...rest }) => rest)(opts),
      rateLimits,
      join: {
        participants: N,
        joined,
        failed: N - joined,
        errors: joinErrors,
        timeToAllJoinedS: timeToAll,
        perSec: joined / timeToAll,
        httpMs: summarize(joinReports.flatMap((r) => r.httpMs)),
        connectMs: summarize(joinReports.flatMap((r) => r.connectMs)),
        generatorCpuCores: joinGenCpu / joinWall,
        serverCpuCores: joinServerCpu / joinWall,
      },
      memory: mem,
      phases,
      correctness,
      targets: [],
      ...(profile && { profile }),
    };
    result.targets = evaluateTargets(result);
    return result;
  }
}

function gitHead(dir: string): string {
  try {
    return ` @ ${execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()}`;
  } catch {
    return '';
  }
}

/**
 * Which side limited a phase. A process near 100 % of a core cannot go
 * faster: the server's main thread (its event loop) or a generator process.
 * When neither is, but the two together fill the machine, the machine is.
 */
export function limitOf(x: {
  mainThreadCores: number;
  serverCores: number;
  workerCores: number[];
  orchestratorCores: number;
  pinned: boolean;
  cores: number;
  load1: number;
  serverWaitShare?: number;
  serverDiskShare?: number;
}): string {
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const genMax = Math.max(x.orchestratorCores, ...x.workerCores);
  const genTotal = x.orchestratorCores + x.workerCores.reduce((a, b) => a + b, 0);
  // Pinned: the whole generator shares one core.
  const genCore = x.pinned ? genTotal : genMax;
  const facts =
    `server main thread ${pct(x.mainThreadCores)} of a core (waited for a CPU ${pct(x.serverWaitShare ?? 0)} of the time, in disk wait in ${pct(x.serverDiskShare ?? 0)} of samples), ` +
    `server all threads ${pct(x.serverCores)}, generator ${x.pinned ? 'core' : 'busiest process'} ${pct(genCore)}`;
  if (genCore >= 0.85 && genCore >= x.mainThreadCores) return `GENERATOR (${facts})`;
  if (x.mainThreadCores >= 0.85) return `SERVER (${facts})`;
  if ((x.serverWaitShare ?? 0) >= 0.25) return `MACHINE: the server's main thread was runnable but waited for a CPU ${pct(x.serverWaitShare!)} of the phase (other processes) (${facts})`;
  if ((x.serverDiskShare ?? 0) >= 0.1) return `DISK: the server's main thread was in disk wait (fsync) in ${pct(x.serverDiskShare!)} of samples (${facts})`;
  if (!x.pinned && x.serverCores + genTotal >= 0.85 * x.cores) return `MACHINE: both sides together fill the ${x.cores} cores (${facts})`;
  if (x.load1 > x.cores) return `MACHINE: neither side saturated, but the load average was ${x.load1} on ${x.cores} cores (other processes took the CPU) (${facts})`;
  return `neither saturated (${facts})`;
}

function checkDatabase(
  rows: StoredRows,
  reports: PhaseReport[],
  serverExitCode: number | null,
  lastCounts: Map<number, number>[] = [],
): BenchResult['correctness'] {
  const { questions: qRows, votes: vRows, countMismatches } = rows;

  const ackedQ = new Map<number, number>();
  for (const r of reports) for (const [id] of r.questionAcks) ackedQ.set(id, (ackedQ.get(id) ?? 0) + 1);
  const dbQ = new Map<number, number>();
  const byClient = new Map<string, number>();
  for (const q of qRows) {
    dbQ.set(q.id, (dbQ.get(q.id) ?? 0) + 1);
    if (q.c) byClient.set(`${q.p}:${q.c}`, (byClient.get(`${q.p}:${q.c}`) ?? 0) + 1);
  }
  let qLost = 0;
  let qDup = 0;
  for (const [id, n] of ackedQ) {
    if (!dbQ.has(id)) qLost++;
    if (n > 1) qDup += n - 1;
  }
  for (const n of byClient.values()) if (n > 1) qDup += n - 1;
  const qExtra = qRows.filter((q) => !ackedQ.has(q.id)).length;

  const key = (q: number, p: number) => q * 4_294_967_296 + p;
  const ackedV = new Map<number, number>();
  for (const r of reports) for (let i = 0; i < r.voteAcks.length; i += 4) {
    const k = key(r.voteAcks[i]!, r.voteAcks[i + 1]!);
    ackedV.set(k, (ackedV.get(k) ?? 0) + 1);
  }
  const dbV = new Set<number>();
  let vDup = 0;
  for (const v of vRows) {
    const k = key(v.q, v.p);
    if (dbV.has(k)) vDup++;
    dbV.add(k);
  }
  let vLost = 0;
  for (const [k, n] of ackedV) {
    if (!dbV.has(k)) vLost++;
    if (n > 1) vDup += n - 1;
  }
  let vExtra = 0;
  for (const k of dbV) if (!ackedV.has(k)) vExtra++;
  // What the observers saw last = what is stored.
  const stored = rows.voted;
  let checked = 0;
  let mismatches = 0;
  const examples: string[] = [];
  lastCounts.forEach((seen, i) => {
    for (const q of stored) {
      checked++;
      const last = seen.get(q.id) ?? 0;
      if (last !== q.votes) {
        mismatches++;
        if (examples.length < 5) examples.push(`observer ${i + 1}: question ${q.id} last tally ${last}, db ${q.votes}`);
      }
    }
  });
  return {
    questions: { acked: ackedQ.size, inDb: qRows.length, lost: qLost, duplicated: qDup, unacknowledgedInDb: qExtra },
    votes: { acked: ackedV.size, inDb: vRows.length, lost: vLost, duplicated: vDup, unacknowledgedInDb: vExtra, countMismatches },
    tallies: { observers: lastCounts.length, questions: stored.length, checked, mismatches, examples },
    serverExitCode,
  };
}

function evaluateTargets(r: BenchResult): BenchResult['targets'] {
  const t: BenchResult['targets'] = [];
  const add = (name: string, target: string, value: string, met: boolean) => t.push({ name, target, value, met });
  add(`join wave: ${r.join.participants} joined`, '< 30 s', `${round(r.join.timeToAllJoinedS, 2)} s, ${r.join.failed} failed`, r.join.failed === 0 && r.join.timeToAllJoinedS < 30);
  const storm = r.phases.find((p) => p.name === 'hall' || p.name === 'storm' || p.name === 'mixed') ?? r.phases[r.phases.length - 1];
  if (storm) {
    const rateOk = storm.achieved.votesPerSec >= storm.offered.votesPerSec * 0.98 && storm.achieved.questionsPerSec >= storm.offered.questionsPerSec * 0.98;
    add(`${storm.name}: rate`, `${storm.offered.votesPerSec} v/s + ${storm.offered.questionsPerSec} q/s for ${storm.durationS} s`, `${round(storm.achieved.votesPerSec)} v/s + ${round(storm.achieved.questionsPerSec)} q/s`, rateOk);
    const p99 = Math.max(storm.voteAckMs.p99 || 0, storm.questionAckMs.p99 || 0);
    add(`${storm.name}: ack p99`, '≤ 100 ms', `votes ${round(storm.voteAckMs.p99)} ms, questions ${round(storm.questionAckMs.p99)} ms`, p99 <= 100);
    add(`${storm.name}: vote-to-visible p99`, '≤ 300 ms', `${round(storm.voteToVisibleMs.p99)} ms (${storm.voteToVisibleMs.notVisible} never seen)`, storm.voteToVisibleMs.p99 <= 300 && storm.voteToVisibleMs.notVisible === 0);
    if (storm.floor) add(`${storm.name}: CPU per delivery vs bare ws`, '≤ 1.2×', `${round(storm.server.usPerDelivery, 2)} µs vs ${round(storm.floor.usPerDelivery, 2)} µs = ${round(storm.floor.ratio, 2)}×`, storm.floor.ratio <= 1.2);
    add(`${storm.name}: limited by`, 'the server, not the generator', storm.limit.split(' (')[0]!, !storm.limit.startsWith('GENERATOR'));
  }
  const c = r.correctness;
  const lost = c.questions.lost + c.votes.lost;
  const dup = c.questions.duplicated + c.votes.duplicated;
  add('lost / duplicated actions', '0 / 0', `${lost} / ${dup} (unacknowledged in db: ${c.questions.unacknowledgedInDb + c.votes.unacknowledgedInDb}, count mismatches: ${c.votes.countMismatches})`, lost === 0 && dup === 0 && c.votes.countMismatches === 0);
  add('last tally seen = votes in db', 'every observer, every question', `${c.tallies.mismatches} mismatches of ${c.tallies.checked} (${c.tallies.observers} observers × ${c.tallies.questions} questions)`, c.tallies.mismatches === 0);
  add('RSS per connection above idle', '≤ 30 KB', `${round(r.memory.perConnectionKb)} KB`, r.memory.perConnectionKb <= 30);
  if (r.phases.length) add('peak RSS in the phases / after joining', '≤ 1.5×', `${round(r.memory.phasesPeakRssMb)} MB / ${round(r.memory.joinedRssMb)} MB = ${round(r.memory.peakOverJoined, 2)}×`, r.memory.peakOverJoined <= 1.5);
  return t;
}

export function report(r: BenchResult): string {
  const out: string[] = [];
  const f = (v: number, d = 1) => (Number.isFinite(v) ? String(round(v, d)) : '-');
  out.push(`Lắng Nghe benchmark, scenario ${r.options.scenario} ${r.label ? `(${r.label}) ` : ''}— ${r.startedAt}`);
  out.push(`machine: ${r.machine.cpu}, ${r.machine.cores} cores (nproc), ${r.machine.memGb} GB, Node ${r.machine.node}; load avg (1 / 5 min) before ${r.machine.loadBefore.join(' / ')}, after ${r.machine.loadAfter.join(' / ')}`);
  out.push(
    `server: ${r.server}; ${r.deployment.nodes > 1 ? `${r.deployment.nodes} nodes (Redis fan-out), ` : ''}${r.deployment.engine === 'postgresql' ? 'PostgreSQL' : 'SQLite'}; session ${r.options.moderation}-moderated`,
  );
  if (r.deployment.nodes > 1) out.push(`started together on an empty database: the first admin and sample session were created by ${r.deployment.firstStartBy} node(s)`);
  out.push(
    `generator: ${r.options.workers} worker process(es) of ${r.options.client === 'raw' ? 'raw Engine.IO/Socket.IO phones over ws (frames counted, not decoded)' : 'socket.io-client phones'}, ` +
      `${r.options.observers} real socket.io-client observer(s)${r.options.moderation === 'pre' ? ' and a moderator' : ''} in the orchestrator; ${r.machine.pinned ?? 'not pinned (all share the cores)'}`,
  );
  if (Object.keys(r.rateLimits).length) out.push(`raised limits: ${Object.entries(r.rateLimits).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  out.push('');
  const j = r.join;
  out.push(
    table(
      ['join', 'participants', 'joined', 'time to all (s)', 'joins/s', 'http p50/p99 ms', 'connect p50/p99 ms', 'server CPU', 'generator CPU'],
      [['ramp', j.participants, j.joined, f(j.timeToAllJoinedS, 2), f(j.perSec, 0), `${f(j.httpMs.p50)}/${f(j.httpMs.p99)}`, `${f(j.connectMs.p50)}/${f(j.connectMs.p99)}`, `${f(j.serverCpuCores * 100, 0)}%`, `${f(j.generatorCpuCores * 100, 0)}%`]],
    ),
  );
  out.push('');
  out.push(
    table(
      ['phase', 'offered v/s+q/s', 'acked v/s+q/s', 'vote ack p50/95/99 ms', 'question ack p50/95/99 ms', 'vote→visible p50/95/99 ms', 'deliveries/s', 'server CPU main/all (peak)', 'gen CPU', 'µs/delivery', 'floor µs', 'ratio'],
      r.phases.map((p) => [
        p.name,
        `${p.offered.votesPerSec}+${p.offered.questionsPerSec}`,
        `${f(p.achieved.votesPerSec, 0)}+${f(p.achieved.questionsPerSec, 1)}`,
        `${f(p.voteAckMs.p50)}/${f(p.voteAckMs.p95)}/${f(p.voteAckMs.p99)}`,
        `${f(p.questionAckMs.p50)}/${f(p.questionAckMs.p95)}/${f(p.questionAckMs.p99)}`,
        `${f(p.voteToVisibleMs.p50)}/${f(p.voteToVisibleMs.p95)}/${f(p.voteToVisibleMs.p99)}`,
        f(p.deliveriesPerSec, 0),
        `${f(p.server.mainThreadCores * 100, 0)}%/${f(p.server.cpuCores * 100, 0)}% (${f(p.server.peakCpuCores * 100, 0)}%)`,
        `${f(p.generator.cpuCores * 100, 0)}%`,
        f(p.server.usPerDelivery, 2),
        p.floor ? f(p.floor.usPerDelivery, 2) : '-',
        p.floor ? f(p.floor.ratio, 2) : '-',
      ]),
    ),
  );
  const extra = r.phases
    .filter((p) => p.timeouts || p.disconnects || Object.keys(p.errors).length || p.noTarget)
    .map((p) => `  ${p.name}: timeouts ${p.timeouts}, disconnects ${p.disconnects}, no target ${p.noTarget}, errors ${JSON.stringify(p.errors)}`);
  if (extra.length) out.push('', 'trouble:', ...extra);
  out.push(`vote sent → visible at the observers p50/95/99 ms (ack + vote-to-visible, the whole wait): ${r.phases.filter((p) => p.sentToVisibleMs?.n).map((p) => `${p.name} ${f(p.sentToVisibleMs.p50)}/${f(p.sentToVisibleMs.p95)}/${f(p.sentToVisibleMs.p99)}`).join(', ') || '-'}`);
  const byNode = r.phases.filter((p) => p.voteToVisibleByNode);
  if (byNode.length) {
    out.push(
      `vote acked → visible p50/95/99 ms, voter and observer on the same node | on different nodes: ${byNode
        .map((p) => {
          const { same, cross } = p.voteToVisibleByNode!;
          return `${p.name} ${f(same.p50)}/${f(same.p95)}/${f(same.p99)} | ${f(cross.p50)}/${f(cross.p95)}/${f(cross.p99)} (${cross.n} cross-node samples)`;
        })
        .join(', ')}`,
    );
    out.push(
      `per node, main thread / all threads: ${byNode.map((p) => `${p.name} ${p.server.nodes.map((n, i) => `node ${i + 1} ${f(n.mainThreadCores * 100, 0)}%/${f(n.cpuCores * 100, 0)}%`).join(', ')}`).join('; ')}`,
    );
  }
  out.push('', 'which side limited each phase:', ...r.phases.map((p) => `  ${p.name}: ${p.limit}`));
  for (const p of r.phases) {
    if (p.approvals) out.push(`moderator (${p.name}): ${p.approvals.done} approved (${f(p.approvals.offeredPerSec)}/s offered), ${p.approvals.failed} failed, ack p50/p99 ${f(p.approvals.ackMs.p50)}/${f(p.approvals.ackMs.p99)} ms`);
  }
  out.push(`received by the phones: ${r.phases.map((p) => `${p.name} ${f(p.deliveriesPerSec, 0)} frames/s, ${f(p.receivedBytes / 1e6 / p.durationS, 1)} MB/s`).join('; ')}`);
  out.push('', `generator event-loop delay p99 / max (ms): ${r.phases.map((p) => `${p.name} ${f(p.generator.loopDelayP99Ms)}/${f(p.generator.peakLoopDelayMs)}`).join(', ')}`);
  const m = r.memory;
  out.push(
    `memory: idle ${f(m.idleRssMb)} MB, joined ${f(m.joinedRssMb)} MB → ${f(m.perConnectionKb)} KB per connection; peak in the phases ${f(m.phasesPeakRssMb)} MB (${f(m.peakOverJoined, 2)}× joined); high-water mark ${f(m.peakRssMb)} MB`,
  );
  const c = r.correctness;
  out.push(
    `correctness: questions acked ${c.questions.acked}, in db ${c.questions.inDb}, lost ${c.questions.lost}, duplicated ${c.questions.duplicated}; ` +
      `votes acked ${c.votes.acked}, in db ${c.votes.inDb}, lost ${c.votes.lost}, duplicated ${c.votes.duplicated}, count mismatches ${c.votes.countMismatches}; ` +
      `last tally = db for ${c.tallies.checked - c.tallies.mismatches}/${c.tallies.checked} (observer × question)${c.tallies.examples.length ? ` e.g. ${c.tallies.examples.join('; ')}` : ''}; server exit ${c.serverExitCode}`,
  );
  out.push('', table(['target', 'wanted', 'measured', 'met'], r.targets.map((t) => [t.name, t.target, t.value, t.met ? 'yes' : 'NO'])));
  if (r.profile) out.push('', `server CPU profile: ${r.profile} (summarise: npx tsx bench/profile-top.ts ${r.profile} [--result <this run's json> --phase <name>])`);
  return out.join('\n');
}

// ---- command line -----------------------------------------------------------

function parseArgs(argv: string[]): BenchOptions {
  const a = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    if (!k.startsWith('--')) continue;
    const [name, inline] = k.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) a.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) a.set(name, argv[++i]!);
    else flags.add(name);
  }
  const num = (k: string, d: number) => {
    const v = a.get(k);
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${k} expects a number`);
    return n;
  };
  const smoke = flags.has('smoke');
  const scenario = (a.get('scenario') ?? (smoke ? 'storm' : 'hall')) as Scenario;
  if (!['hall', 'storm', 'join', 'two-nodes', 'classic'].includes(scenario)) throw new Error(`--scenario: hall, storm, join, two-nodes or classic`);
  const participants = Math.min(20_000, Math.max(1, num('participants', smoke ? 50 : 2000)));
  const seconds = num('seconds', smoke ? 3 : scenario === 'hall' ? 60 : 30) * 1000;
  const phaseMs = num('phase-seconds', smoke ? 2 : 10) * 1000;
  const mixedMs = num('mixed-seconds', smoke ? 3 : 30) * 1000;
  const votes = num('vote-rate', smoke ? 200 : 3000);
  const qs = num('question-rate', smoke ? 10 : scenario === 'hall' ? 10 : 50);
  const approvals = num('approval-rate', smoke ? 2 : 2);
  const seed = num('seed-questions', smoke ? 10 : 40);
  const client = (a.get('client') ?? 'raw') as 'raw' | 'sio';
  if (client !== 'raw' && client !== 'sio') throw new Error('--client: raw or sio');
  const base = defaultOptions({ participants });
  const only = a.get('phases')?.split(',');
  const seedPhase = { name: 'seed', durationMs: 1000, votesPerSec: 0, questionsPerSec: seed };
  const phases =
    scenario === 'hall'
      ? [{ ...seedPhase, questionsPending: true }, { name: 'hall', durationMs: seconds, votesPerSec: votes, questionsPerSec: qs, questionsPending: true, approvalsPerSec: approvals }]
      : scenario === 'storm' || scenario === 'two-nodes'
        ? [seedPhase, { name: 'storm', durationMs: seconds, votesPerSec: votes, questionsPerSec: qs }]
        : scenario === 'classic'
          ? [
              { name: 'questions', durationMs: phaseMs, votesPerSec: 0, questionsPerSec: qs },
              { name: 'votes', durationMs: phaseMs, votesPerSec: votes, questionsPerSec: 0 },
              { name: 'mixed', durationMs: mixedMs, votesPerSec: votes, questionsPerSec: qs },
            ].filter((p) => !only || only.includes(p.name))
          : [];
  const stamp = new Date().toISOString().replace(/[:]/g, '').replace(/\..+/, '');
  const pinIt = flags.has('pin');
  // two-nodes is the storm on two nodes; any scenario can take --nodes 2 (and --engine pg for a one-node baseline on PostgreSQL).
  const nodes = num('nodes', scenario === 'two-nodes' ? 2 : 1);
  if (nodes !== 1 && nodes !== 2) throw new Error('--nodes: 1 or 2');
  const engine = a.get('engine') ?? (nodes > 1 ? 'pg' : 'sqlite');
  if (engine !== 'sqlite' && engine !== 'pg') throw new Error('--engine: sqlite or pg');
  if (nodes > 1 && engine !== 'pg') throw new Error('several nodes share one PostgreSQL database: --engine pg');
  if (nodes > 1 && pinIt) throw new Error('--pin puts the server on one core and the generator on the other; with two nodes there is no core left to pin to');
  const pgUrl = engine === 'pg' ? (a.get('pg-url') ?? process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres') : null;
  const redisUrl = nodes > 1 ? (a.get('redis-url') ?? process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379') : null;
  const workersWanted = num('workers', client === 'raw' ? (pinIt || participants < 500 ? 1 : 2) : base.workers);
  return {
    ...base,
    scenario,
    moderation: scenario === 'hall' ? 'pre' : 'post',
    seedQuestions: seed,
    client,
    observers: num('observers', smoke ? 2 : 10),
    pin: pinIt,
    serverDir: a.get('server') ?? null,
    nodes,
    pgUrl,
    redisUrl,
    // Raw phones are cheap: one process is enough, and pinned, one core is all the generator gets.
    // With several nodes, a multiple of them: worker w's phones are on node w mod n.
    workers: Math.max(nodes, Math.ceil(workersWanted / nodes) * nodes),
    joinConcurrency: num('join-concurrency', base.joinConcurrency),
    phases,
    floor: !flags.has('no-floor') && phases.length > 0 && nodes === 1,
    profile: flags.has('profile'),
    out: flags.has('no-json') ? null : (a.get('out') ?? (smoke ? null : join('bench', 'results', `${stamp}-n${participants}.json`))),
    drainMs: smoke ? 500 : base.drainMs,
    settleMs: smoke ? { idle: 500, joined: 500, between: 200 } : base.settleMs,
    label: a.get('label') ?? (smoke ? 'smoke' : ''),
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const result = await runBench(opts);
  console.log('\n' + report(result));
  if (opts.out) {
    const file = resolve(ROOT, opts.out);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`\nwrote ${opts.out}`);
  }
  const c = result.correctness;
  if (c.questions.lost || c.votes.lost || c.questions.duplicated || c.votes.duplicated) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const stop = () => {
    console.error('interrupted; cleaning up');
    process.exit(130);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
}
