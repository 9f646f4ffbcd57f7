import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app';
import { loadConfig } from '../../server/config';
import { openDatabase, type OpenedDatabase } from '../../server/db/open';
import { bootstrap } from '../../server/domain/bootstrap';
import { ADMIN_PASSWORD, auth, login, TEST_DB } from '../helpers/app';
import { freshPgDatabase } from '../helpers/pg';
import { openSocket } from '../helpers/sockets';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? '';

/** Polls `check` until it holds (a notice crosses Redis in a few ms). */
async function until(check: () => Promise<boolean>, ms = 3000): Promise<void> {
  for (const end = Date.now() + ms; ; ) {
    if (await check()) return;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Each node keeps the staff accounts in memory (UsersService.activeUser, on
 * every request and socket packet). An account disabled, logged out or
 * re-enabled on one node must be seen so on the other at once: node-caches
 * carries `user:changed` over Redis. Two nodes on one database (the SQLite
 * file, or PostgreSQL with TEST_DB=pg).
 */
describe.skipIf(!TEST_REDIS_URL)('staff accounts across nodes', () => {
  const prefix = `tu${process.pid}${Math.random().toString(36).slice(2, 8)}:`;
  const dir = mkdtempSync(join(tmpdir(), 'langnghe-users-'));
  let fresh: Awaited<ReturnType<typeof freshPgDatabase>> | null = null;
  const nodes: { app: App; url: string; database: OpenedDatabase }[] = [];

  const start = async (name: string) => {
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(dir, `${name}-`)),
      JWT_SECRET: 'cluster-test-secret-long-enough-for-hs256-0123456789',
      ADMIN_PASSWORD,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      NODE_ID: name,
      CLIENT_DIR: join(process.cwd(), 'dist/client'),
    });
    const database = await openDatabase({ databaseUrl: fresh?.url ?? null, dataDir: dir, sqliteFile: join(dir, 'shared.db'), maxConnections: 5 });
    const app = await buildApp({ config, db: database.port });
    await bootstrap(app.services, ADMIN_PASSWORD);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const node = { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, database };
    nodes.push(node);
    return node;
  };

  beforeAll(async () => {
    if (TEST_DB === 'pg') fresh = await freshPgDatabase();
    await start('node-a');
    await start('node-b');
  });

  afterAll(async () => {
    for (const n of nodes) {
      await n.app.close();
      await n.database.close();
    }
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses on node B an account disabled on node A, takes it back once re-enabled, and ends on B a token logged out on A', async () => {
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const admin = await login(a.app, 'admin', ADMIN_PASSWORD);
    const created = await a.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: auth(admin),
      payload: { username: 'moderator1', displayName: 'Điều phối', role: 'moderator', password: 'moderator-pass-1' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: number }).id;
    const me = (node: typeof a, token: string) => node.app.inject({ url: '/api/me', headers: auth(token) });

    // Node B has the account in memory (login, then a request).
    const token = await login(b.app, 'moderator1', 'moderator-pass-1');
    expect((await me(b, token)).statusCode).toBe(200);
    (await openSocket(b.url, token)).close();

    expect((await a.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: auth(admin), payload: { disabled: true } })).statusCode).toBe(200);
    await until(async () => (await me(b, token)).json().error?.code === 'USER_DISABLED');
    await expect(openSocket(b.url, token)).rejects.toThrow(/USER_DISABLED/);

    expect((await a.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: auth(admin), payload: { disabled: false } })).statusCode).toBe(200);
    const again = await login(a.app, 'moderator1', 'moderator-pass-1');
    await until(async () => (await me(b, again)).statusCode === 200);

    expect((await a.app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(again) })).statusCode).toBeLessThan(300);
    await until(async () => (await me(b, again)).json().error?.code === 'TOKEN_EXPIRED');
  });
});
