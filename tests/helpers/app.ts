import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import type { Db } from '../../server/db/client';
import { openDatabase } from '../../server/db/open';
import type { DbPort } from '../../server/db/port';
import { freshPgDatabase, TEST_PG_URL } from './pg';
import { bootstrap } from '../../server/domain/bootstrap';
import type { Role } from '../../shared/schemas/enums';
import type { CreateSessionBody } from '../../shared/schemas/requests';
import type { Session, User } from '../../shared/schemas/entities';

export const ADMIN_PASSWORD = 'admin-test-password';

/**
 * The engine the server tests run on: SQLite by default; `TEST_DB=pg` (with
 * TEST_PG_URL) runs them on PostgreSQL, each app on a fresh database.
 */
export const TEST_DB: 'sqlite' | 'pg' = process.env.TEST_DB === 'pg' ? 'pg' : 'sqlite';
if (TEST_DB === 'pg' && !TEST_PG_URL) throw new Error('TEST_DB=pg needs TEST_PG_URL (a PostgreSQL server where its user may create databases)');

export interface TestApp {
  app: App;
  /** The database port, on either engine: what tests read the database through. */
  port: DbPort;
  /** The SQLite database itself; a test that reads it directly runs on SQLite only. */
  db: Db;
  config: Config;
  dataDir: string;
  adminToken: string;
  /** Base URL once `listen()` was called. */
  url: string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** A real app on a real SQLite file with the real migrations, bootstrapped like a first start. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'langnghe-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    ADMIN_PASSWORD,
    CLIENT_DIR: join(process.cwd(), 'dist/client'),
    ...env,
  });
  const fresh = TEST_DB === 'pg' ? await freshPgDatabase() : null;
  const database = await openDatabase({ databaseUrl: fresh?.url ?? null, dataDir, sqliteFile: join(dataDir, 'test.db'), maxConnections: 5 });
  let app: App;
  try {
    app = await buildApp({ config, db: database.port });
    await bootstrap(app.services, ADMIN_PASSWORD);
  } catch (err) {
    await database.close();
    await fresh?.drop();
    throw err;
  }
  const adminToken = await login(app, 'admin', ADMIN_PASSWORD);
  const t: TestApp = {
    app,
    port: database.port,
    get db(): Db {
      if (!database.sqlite) throw new Error('this test reads the SQLite database directly: it cannot run with TEST_DB=pg');
      return database.sqlite;
    },
    config,
    dataDir,
    adminToken,
    url: '',
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' });
      t.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      return t.url;
    },
    async close() {
      await app.close();
      await database.close();
      await fresh?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

export async function login(app: App, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return res.json().token as string;
}

/** Adds users to a session's assigned staff (admin API). */
export async function assignStaff(t: TestApp, sessionId: number, userIds: number[]): Promise<void> {
  const current = await t.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/staff`, headers: auth(t.adminToken) });
  if (current.statusCode !== 200) throw new Error(`staff list failed: ${current.statusCode} ${current.body}`);
  const ids = new Set<number>([...(current.json().staff as User[]).map((u) => u.id), ...userIds]);
  const res = await t.app.inject({ method: 'PUT', url: `/api/sessions/${sessionId}/staff`, headers: auth(t.adminToken), payload: { userIds: [...ids] } });
  if (res.statusCode !== 200) throw new Error(`assign staff failed: ${res.statusCode} ${res.body}`);
}

let userSeq = 0;
/**
 * Creates a staff user through the API and logs in as them. Unless told
 * otherwise the user is assigned to every session that exists (and
 * createSession assigns every staff user to the new session): tests about
 * one feature work as one team; tests of staff scope pass `{ assign: false }`.
 */
export async function createStaff(t: TestApp, role: Role, opts: { assign?: boolean } = {}): Promise<{ user: User; token: string }> {
  const username = `${role}${++userSeq}`;
  const password = `pw-${username}-secret`;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/users',
    headers: auth(t.adminToken),
    payload: { username, password, displayName: `Cán bộ ${username}`, role },
  });
  if (res.statusCode !== 201) throw new Error(`create user failed: ${res.statusCode} ${res.body}`);
  const user: User = res.json();
  if (opts.assign !== false && role !== 'admin') {
    const sessions = await t.app.inject({ method: 'GET', url: '/api/sessions', headers: auth(t.adminToken) });
    for (const s of sessions.json() as Session[]) if (s.status !== 'archived') await assignStaff(t, s.id, [user.id]);
  }
  return { user, token: await login(t.app, username, password) };
}

export const sessionBody = (over: Partial<CreateSessionBody> = {}): CreateSessionBody => ({
  title: 'Đối thoại với thanh niên xã Hòa Bình',
  audience: 'Thanh niên',
  startsAt: '2026-12-15T01:30:00.000Z',
  moderation: 'pre',
  ...over,
});

/** Creates a session through the API and moves it to `status`. */
export async function createSession(
  t: TestApp,
  status: Session['status'] = 'live',
  over: Partial<CreateSessionBody> = {},
  opts: { assignAll?: boolean } = {},
): Promise<Session> {
  const res = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: auth(t.adminToken), payload: sessionBody(over) });
  if (res.statusCode !== 201) throw new Error(`create session failed: ${res.statusCode} ${res.body}`);
  let session: Session = res.json();
  if (opts.assignAll !== false) {
    const users = await t.app.inject({ method: 'GET', url: '/api/users', headers: auth(t.adminToken) });
    const staffIds = (users.json() as User[]).filter((u) => u.role !== 'admin').map((u) => u.id);
    if (staffIds.length > 0) await assignStaff(t, session.id, staffIds);
  }
  const steps: Record<Session['status'], Session['status'][]> = {
    draft: [],
    open: ['open'],
    live: ['open', 'live'],
    paused: ['open', 'live', 'paused'],
    closed: ['open', 'closed'],
    archived: ['open', 'closed', 'archived'],
  };
  for (const s of steps[status]) session = await setStatus(t, session.id, s);
  return session;
}

export async function setStatus(t: TestApp, id: number, status: Session['status']): Promise<Session> {
  const res = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${id}`, headers: auth(t.adminToken), payload: { status } });
  if (res.statusCode !== 200) throw new Error(`status ${status} failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function joinSession(
  t: TestApp,
  code: string,
  profile: Record<string, string> = {},
): Promise<{ token: string; participantId: number; sessionId: number }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code, ...profile } });
  if (res.statusCode !== 200) throw new Error(`join failed: ${res.statusCode} ${res.body}`);
  const b = res.json();
  return { token: b.token, participantId: b.participant.id, sessionId: b.session.id };
}

export const errorCode = (res: LightMyRequestResponse): string => res.json().error?.code;

/** `?` placeholders as PostgreSQL numbers them (`$1, $2…`); none of the tests' SQL has a literal `?`. */
const numbered = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * What is stored, read with plain SQL on either engine (`?` placeholders):
 * the tests' own look at the database, not the server's. Write SQL both
 * engines read alike: `count(*)` comes back as a number on both, booleans as
 * 0/1 on SQLite and true/false on PostgreSQL (compare with Boolean()).
 */
export function dbRows<T = Record<string, unknown>>(t: Pick<TestApp, 'port'>, text: string, ...params: unknown[]): Promise<T[]> {
  return t.port.prepare<unknown[], T>({ sqlite: text, pg: numbered(text) }).all(...params);
}

/** The first row of `dbRows`, or undefined. */
export async function dbRow<T = Record<string, unknown>>(t: Pick<TestApp, 'port'>, text: string, ...params: unknown[]): Promise<T | undefined> {
  return (await dbRows<T>(t, text, ...params))[0];
}

/** A change made behind the server's back (a test's setup); resolves with the rows changed. */
export function dbRun(t: Pick<TestApp, 'port'>, text: string, ...params: unknown[]): Promise<number> {
  return t.port.prepare<unknown[]>({ sqlite: text, pg: numbered(text) }).run(...params);
}
