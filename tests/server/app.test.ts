import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, TEST_DB, type TestApp } from '../helpers/app';

describe('the app shell', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers health', async () => {
    const res = await t.app.inject({ url: '/api/health' });
    // One node: no Redis to report on; the node id and the database, as in cluster mode.
    expect(res.json()).toEqual({ ok: true, node: t.config.nodeId, database: TEST_DB === 'pg' ? 'postgres' : 'sqlite' });
  });

  it('serves the OpenAPI document with every contract route', async () => {
    const res = await t.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const p of ['/api/health', '/api/auth/login', '/api/me', '/api/users', '/api/sessions', '/api/sessions/{id}', '/api/join']) {
      expect(paths).toContain(p);
    }
  });

  it('answers unknown API routes with the error shape', async () => {
    const res = await t.app.inject({ url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('NOT_FOUND');
  });

  it('serves the client for app routes, with security headers', async () => {
    const res = await t.app.inject({ url: '/j/ABCDEF' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<div id="app">');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
