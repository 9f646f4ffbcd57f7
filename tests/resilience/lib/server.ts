import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_PASSWORD = 'resilience-admin-password';

/** A port that was free a moment ago (kept for every restart, so clients reconnect to the same URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote to stderr (a crash leaves its trace here). */
  stderr(): string;
  /** Everything it wrote to stdout (the banner, and pino's log lines). */
  stdout(): string;
}

/**
 * The real server, as production runs it: `node --import tsx server/main.ts`,
 * on 127.0.0.1 only, with its own DATA_DIR. Resolves once /api/health answers.
 */
export async function startServer(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // Every client of these tests connects from 127.0.0.1 and asks at storm rates.
      RATE_LIMIT_JOINS_PER_IP_PER_MINUTE: '0',
      POST_MODERATION_PUBLISH_PER_MINUTE: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => {
    // Bounded: a long run must not grow this without end.
    if (out.length < 1_000_000) out += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (;;) {
    if (gone) throw new Error(`server exited during start: ${err}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error(`server did not start in 30 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, proc, exited, stderr: () => err, stdout: () => out };
}

export async function stopServer(s: ServerProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return s.exited;
  s.proc.kill(signal);
  return s.exited;
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'langnghe-resilience-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** HTTP against the child, JSON in and out. */
export async function api<T = unknown>(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Logs in as admin and makes a live post-moderated session; returns its id and code. */
export async function liveSession(url: string): Promise<{ adminToken: string; sessionId: number; code: string }> {
  const login = await api<{ token: string }>(url, 'POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`login ${login.status}`);
  const adminToken = login.body.token;
  const created = await api<{ id: number; code: string }>(
    url,
    'POST',
    '/api/sessions',
    { title: 'Đối thoại kiểm thử độ bền', audience: 'Người dân', startsAt: '2026-12-01T01:00:00.000Z', moderation: 'post' },
    adminToken,
  );
  if (created.status !== 201) throw new Error(`create session ${created.status}`);
  for (const status of ['open', 'live']) {
    const r = await api(url, 'PATCH', `/api/sessions/${created.body.id}`, { status }, adminToken);
    if (r.status !== 200) throw new Error(`status ${status}: ${r.status}`);
  }
  return { adminToken, sessionId: created.body.id, code: created.body.code };
}

export async function joinAs(url: string, code: string, i: number): Promise<{ token: string; participantId: number }> {
  const r = await api<{ token: string; participant: { id: number } }>(url, 'POST', '/api/join', { code, displayName: `Người dân ${i}` });
  if (r.status !== 200) throw new Error(`join ${r.status} ${JSON.stringify(r.body)}`);
  return { token: r.body.token, participantId: r.body.participant.id };
}
