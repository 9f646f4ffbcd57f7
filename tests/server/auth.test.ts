import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, auth, createStaff, createTestApp, errorCode, type TestApp } from '../helpers/app';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('staff auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('logs in with the right password and returns the user', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ username: 'admin', role: 'admin' });
    expect(body.user.passwordHash).toBeUndefined();
    const me = await t.app.inject({ url: '/api/me', headers: auth(body.token) });
    expect(me.statusCode).toBe(200);
    expect(me.json().username).toBe('admin');
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'nope-nope' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ghost', password: 'nope-nope' } });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe('INVALID_CREDENTIALS');
    }
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
  });

  it('refuses requests without a token, with a tampered token, alg none, or an expired token', async () => {
    expect((await t.app.inject({ url: '/api/me' })).statusCode).toBe(401);
    const [h, p, s] = t.adminToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${b64({ ...claims, sub: '999' })}.${s}`;
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const hs512 = (() => {
      const head = b64({ alg: 'HS512', typ: 'JWT' });
      const body = b64(claims);
      const sig = createHmac('sha512', t.config.jwtSecret).update(`${head}.${body}`).digest('base64url');
      return `${head}.${body}.${sig}`;
    })();
    const expired = t.app.jwt.sign({ typ: 'staff', sub: String(claims.sub) }, { expiresIn: -10 } as never);
    for (const [token, code] of [
      [tampered, 'TOKEN_INVALID'],
      [none, 'TOKEN_INVALID'],
      [hs512, 'TOKEN_INVALID'],
      ['garbage', 'TOKEN_INVALID'],
      [expired, 'TOKEN_EXPIRED'],
    ] as const) {
      const res = await t.app.inject({ url: '/api/me', headers: auth(token) });
      expect(res.statusCode, token).toBe(401);
      expect(errorCode(res)).toBe(code);
    }
    const noBearer = await t.app.inject({ url: '/api/me', headers: { authorization: t.adminToken } });
    expect(noBearer.statusCode).toBe(401);
  });

  it('lets only admins create users, and refuses duplicates and bad input', async () => {
    const mod = await createStaff(t, 'moderator');
    const body = { username: 'newbie', password: 'long-enough-pw', displayName: 'Người mới', role: 'secretary' };
    const asMod = await t.app.inject({ method: 'POST', url: '/api/users', headers: auth(mod.token), payload: body });
    expect(asMod.statusCode).toBe(403);
    expect(errorCode(asMod)).toBe('FORBIDDEN');
    const anon = await t.app.inject({ method: 'POST', url: '/api/users', payload: body });
    expect(anon.statusCode).toBe(401);
    const ok = await t.app.inject({ method: 'POST', url: '/api/users', headers: auth(t.adminToken), payload: body });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ username: 'newbie', displayName: 'Người mới', role: 'secretary' });
    const dup = await t.app.inject({ method: 'POST', url: '/api/users', headers: auth(t.adminToken), payload: body });
    expect(dup.statusCode).toBe(409);
    expect(errorCode(dup)).toBe('USERNAME_TAKEN');
    const badRole = await t.app.inject({ method: 'POST', url: '/api/users', headers: auth(t.adminToken), payload: { ...body, username: 'x2', role: 'king' } });
    expect(badRole.statusCode).toBe(400);
    expect(errorCode(badRole)).toBe('INVALID_PAYLOAD');
    const shortPw = await t.app.inject({ method: 'POST', url: '/api/users', headers: auth(t.adminToken), payload: { ...body, username: 'x3', password: 'short' } });
    expect(errorCode(shortPw)).toBe('INVALID_PAYLOAD');
  });

  it('refuses a disabled user at login and on every request with an old token', async () => {
    const sec = await createStaff(t, 'secretary');
    const dis = await t.app.inject({ method: 'PATCH', url: `/api/users/${sec.user.id}`, headers: auth(t.adminToken), payload: { disabled: true } });
    expect(dis.statusCode).toBe(200);
    const me = await t.app.inject({ url: '/api/me', headers: auth(sec.token) });
    expect(me.statusCode).toBe(401);
    expect(errorCode(me)).toBe('USER_DISABLED');
    const relog = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: sec.user.username, password: `pw-${sec.user.username}-secret` } });
    expect(relog.statusCode).toBe(401);
    expect(errorCode(relog)).toBe('USER_DISABLED');
  });

  it('does not accept a participant token as staff', async () => {
    const sessions = await t.app.inject({ url: '/api/sessions', headers: auth(t.adminToken) });
    const code = sessions.json()[0].code;
    const j = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code } });
    const res = await t.app.inject({ url: '/api/me', headers: auth(j.json().token) });
    expect(res.statusCode).toBe(403);
  });
});
