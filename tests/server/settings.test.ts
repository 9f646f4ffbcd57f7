import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, createStaff, createTestApp, type TestApp } from '../helpers/app';

describe('organisation settings', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ ORG_NAME: 'UBND HUYỆN YÊN SƠN', PUBLIC_URL: '' });
  });
  afterEach(() => t.close());

  it('start from the environment, are changed by the admin, and anyone reads the public part', async () => {
    const h = auth(t.adminToken);
    let res = await t.app.inject({ method: 'GET', url: '/api/admin/settings', headers: h });
    expect(res.json()).toEqual({ orgName: 'UBND HUYỆN YÊN SƠN', orgAbbreviation: 'UBND', publicUrl: null });

    res = await t.app.inject({
      method: 'PATCH',
      url: '/api/admin/settings',
      headers: h,
      payload: { orgName: 'UBND XÃ THÁI BÌNH', orgAbbreviation: 'UBND-VP', publicUrl: 'http://10.0.0.5:3000/' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ orgName: 'UBND XÃ THÁI BÌNH', orgAbbreviation: 'UBND-VP', publicUrl: 'http://10.0.0.5:3000' });
    expect((await t.app.inject({ method: 'GET', url: '/api/settings/public' })).json()).toEqual({
      orgName: 'UBND XÃ THÁI BÌNH',
      publicUrl: 'http://10.0.0.5:3000',
    });
    // Documents print the new name.
    expect((await t.app.services.settings.get()).orgName).toBe('UBND XÃ THÁI BÌNH');

    // An empty value goes back to the environment's.
    res = await t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: h, payload: { orgName: '', publicUrl: '' } });
    expect(res.json()).toEqual({ orgName: 'UBND HUYỆN YÊN SƠN', orgAbbreviation: 'UBND-VP', publicUrl: null });
  });

  it('refuse a bad address or abbreviation and change nothing', async () => {
    const h = auth(t.adminToken);
    for (const payload of [{ publicUrl: 'javascript:alert(1)' }, { publicUrl: 'not a url' }, { orgAbbreviation: 'ub nd' }]) {
      const res = await t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: h, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('INVALID_SETTING');
    }
    const over = await t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: h, payload: { orgName: 'x'.repeat(201) } });
    expect(over.json().error.code).toBe('INVALID_PAYLOAD');
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/settings', headers: h })).json()).toEqual({
      orgName: 'UBND HUYỆN YÊN SƠN',
      orgAbbreviation: 'UBND',
      publicUrl: null,
    });
  });

  it('are the admin’s alone', async () => {
    const { token: mod } = await createStaff(t, 'moderator');
    for (const headers of [auth(mod), {}]) {
      const res = await t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers, payload: { orgName: 'X' } });
      expect([401, 403]).toContain(res.statusCode);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/settings', headers: auth(mod) })).statusCode).toBe(403);
    expect((await t.app.services.settings.get()).orgName).toBe('UBND HUYỆN YÊN SƠN');
  });
});
