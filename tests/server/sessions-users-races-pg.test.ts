// PostgreSQL only (TEST_PG_URL): the races of sessions, users, venues, SMS intake and settings, two pools on one database standing for two nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPg } from '../../server/db/pg';
import { PgPort } from '../../server/db/pg-port';
import { DomainEvents } from '../../server/domain/events';
import { UsersService } from '../../server/domain/users/users.service';
import { SessionsService } from '../../server/domain/sessions/sessions.service';
import { VenuesService } from '../../server/domain/venues/venues.service';
import { SettingsService } from '../../server/domain/settings/settings.service';
import { AuditService } from '../../server/domain/audit/audit.service';
import { VenuesRepo } from '../../server/domain/venues/venues.repo';
import { SYSTEM, type Actor } from '../../server/domain/actor';
import { DomainError } from '../../server/domain/errors';
import { freshPgDatabase, TEST_PG_URL } from '../helpers/pg';

function node(port: PgPort) {
  const events = new DomainEvents();
  events.holdUntilCommit((send) => port.afterCommit(send));
  const users = new UsersService(port, events);
  const sessions = new SessionsService(port, events);
  const venues = new VenuesService(port, events, sessions);
  const settings = new SettingsService(port, { orgName: 'Org', orgAbbreviation: 'ORG', publicUrl: 'http://localhost' }, events);
  const audit = new AuditService(port, sessions);
  return { port, events, users, sessions, venues, settings, audit, sms: new VenuesRepo(port) };
}

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
};

describe.skipIf(!TEST_PG_URL)('port-s on PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof freshPgDatabase>>;
  let a: ReturnType<typeof node>;
  let b: ReturnType<typeof node>;
  const pools: { $client: { end(): Promise<void> } }[] = [];
  let admin: Actor;

  beforeAll(async () => {
    fresh = await freshPgDatabase();
    const pa = await openPg(fresh.url, { maxConnections: 5 });
    const pb = await openPg(fresh.url, { maxConnections: 5 });
    pools.push(pa, pb);
    a = node(new PgPort(pa));
    b = node(new PgPort(pb));
    // node-caches, in short
    a.events.on('user:changed', (e) => b.users.forget(e.userId));
    b.events.on('user:changed', (e) => a.users.forget(e.userId));
    const u = await a.users.create(SYSTEM, { username: 'root', displayName: 'Root', role: 'admin', password: 'root-password-1' });
    admin = { kind: 'staff', userId: u.id, role: 'admin', displayName: u.displayName };
  });
  afterAll(async () => {
    for (const p of pools) await p.$client.end();
    await fresh?.drop();
  });

  it('users: cache, login, update, cross-node invalidation, duplicate usernames', async () => {
    const mod = await a.users.create(admin, { username: 'mod1', displayName: 'Mod', role: 'moderator', password: 'mod-password-1' });
    // not cached on b: a promise; then cached: a row
    const first = b.users.activeUser(mod.id);
    expect(first).toBeInstanceOf(Promise);
    expect((await first)?.username).toBe('mod1');
    const second = b.users.activeUser(mod.id);
    expect(second).not.toBeInstanceOf(Promise);
    expect((second as { tokenVersion: number }).tokenVersion).toBe(0);
    const login = await a.users.login({ username: 'mod1', password: 'mod-password-1' });
    expect(login.tokenVersion).toBe(0);
    await a.users.update(admin, mod.id, { disabled: true });
    expect(await b.users.activeUser(mod.id)).toBeNull();
    await b.users.update(admin, mod.id, { disabled: false, displayName: 'Mod B' });
    const back = await a.users.activeUser(mod.id);
    expect(back?.displayName).toBe('Mod B');
    expect(back?.tokenVersion).toBe(2);
    const modActor: Actor = { kind: 'staff', userId: mod.id, role: 'moderator', displayName: 'Mod B' };
    await a.users.logout(modActor);
    expect((await b.users.activeUser(mod.id))?.tokenVersion).toBe(3);
    expect((await a.users.list(admin)).length).toBe(2);
    expect(await a.users.repo.count()).toBe(2);
    // two nodes create the same username at once
    const body = { username: 'twin', displayName: 'Twin', role: 'leader' as const, password: 'twin-password-1' };
    for (let i = 0; i < 5; i++) {
      body.username = `twin${i}`;
      const results = await Promise.all([code(a.users.create(admin, body)), code(b.users.create(admin, body))]);
      expect(results.sort()).toEqual(['USERNAME_TAKEN', 'ok']);
    }
  });

  it('sessions: create, codes, concurrent transitions, staff, panel', async () => {
    const mk = (n: number, x: ReturnType<typeof node>) =>
      x.sessions.create(admin, {
        title: `S${n}`,
        audience: 'All',
        startsAt: '2030-01-01T08:00:00Z',
        moderation: 'pre',
        panel: [{ name: 'Chair', role: 'chair' }, { name: 'Member' }],
      });
    const made = await Promise.all(Array.from({ length: 16 }, (_, i) => mk(i, i % 2 ? a : b)));
    expect(new Set(made.map((s) => s.code)).size).toBe(16);
    const s = made[0]!;
    expect(s.anonymousAllowed).toBe(true);
    expect(s.panel.length).toBe(2);
    const row = await b.sessions.row(s.id);
    expect(row.anonymousAllowed).toBe(true);
    expect(typeof row.anonymousAllowed).toBe('boolean');
    await a.sessions.update(admin, s.id, { status: 'open' });
    await a.sessions.update(admin, s.id, { status: 'live' });
    for (let i = 0; i < 5; i++) {
      await Promise.all([a.sessions.update(admin, s.id, { status: 'paused' }), b.sessions.update(admin, s.id, { status: 'paused' })]);
      await a.sessions.update(admin, s.id, { status: 'live' });
    }
    const paused = await a.audit.list(admin, { sessionId: s.id, action: 'session.status.paused' });
    expect(paused.entries.length).toBe(5);
    for (const x of made.slice(2, 10)) {
      await a.sessions.update(admin, x.id, { status: 'open' });
      const r = await Promise.all([code(a.sessions.update(admin, x.id, { status: 'live' })), code(b.sessions.update(admin, x.id, { status: 'closed' }))]);
      const after = await a.sessions.row(x.id);
      expect(after.status, r.join()).toBe('closed');
    }
    const mod = (await a.users.list(admin)).find((u) => u.username === 'mod1')!;
    const s2 = made[1]!;
    await Promise.all([a.sessions.setStaff(admin, s2.id, [mod.id, admin.kind === 'staff' ? admin.userId : 0]), b.sessions.setStaff(admin, s2.id, [mod.id])]);
    const staff = await a.sessions.staff(admin, s2.id);
    expect(staff.staff.length).toBeGreaterThan(0);
    expect(await a.sessions.repo.isStaffOf(s2.id, mod.id)).toBe(true);
    expect(await a.sessions.repo.sessionIdsOf(mod.id)).toEqual([s2.id]);
    const modActor: Actor = { kind: 'staff', userId: mod.id, role: 'moderator', displayName: 'Mod' };
    expect((await a.sessions.list(modActor)).map((x) => x.id)).toEqual([s2.id]);
    expect((await a.sessions.list(admin)).length).toBe(16);
    const upd = await b.sessions.update(admin, s2.id, { title: 'New', panel: [{ id: s2.panel[0]!.id, name: 'Chair 2', role: 'chair' }] });
    expect(upd.panel.map((p) => p.name)).toEqual(['Chair 2']);
    expect(await a.sessions.repo.byActiveCode(s2.code)).toBeTruthy();
    expect(await a.sessions.repo.byCode(s2.code)).toBeTruthy();
  });

  it('venues: concurrent creation keeps positions and codes apart', async () => {
    const s = await a.sessions.create(admin, { title: 'V', audience: 'All', startsAt: '2030-01-01T08:00:00Z', moderation: 'pre' });
    const vs = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).venues.create(admin, s.id, { name: `Hall ${i}` })));
    expect(new Set(vs.map((v) => v.code)).size).toBe(8);
    const rows = await a.venues.repo.ofSession(s.id);
    expect(rows.map((r) => r.position).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const up = await b.venues.update(admin, vs[0]!.id, { attendance: 12 });
    expect(up.attendance).toBe(12);
    expect(await a.venues.repo.byCode(vs[1]!.code)).toBeTruthy();
    expect(await a.sessions.repo.codeInUse(vs[1]!.code)).toBe(true);
  });

  it('sms: one message id taken once when two nodes take it at once', async () => {
    for (let i = 0; i < 5; i++) {
      const id = `m${i}`;
      const take = (x: ReturnType<typeof node>) => x.port.tx(() => x.sms.recordSms({ messageId: id, receivedAt: new Date().toISOString(), questionId: null, outcome: 'accepted' }));
      const r = await Promise.all([take(a), take(b)]);
      expect(r.sort()).toEqual([false, true]);
      expect(await a.sms.smsSeen(id)).toBe(true);
    }
  });

  it('settings and audit', async () => {
    const r = await Promise.all([a.settings.update(admin, { orgName: 'A name' }), b.settings.update(admin, { orgAbbreviation: 'BB' })]);
    expect(r.length).toBe(2);
    expect(await a.settings.get()).toMatchObject({ orgName: 'A name', orgAbbreviation: 'BB' });
    b.settings.forget();
    expect(await b.settings.get()).toMatchObject({ orgName: 'A name', orgAbbreviation: 'BB' });
    const log = await a.audit.list(admin, { entity: 'settings' });
    expect(log.entries.length).toBe(2);
    // each entry's before is the other's after or the defaults
    const [newer, older] = log.entries as { before: Record<string, string>; after: Record<string, string> }[];
    expect(newer!.before).toEqual(older!.after);
    const all = await a.audit.list(admin, { limit: 5 });
    expect(all.entries.length).toBe(5);
    expect(all.nextBefore).not.toBeNull();
    expect(all.entries[0]!.actorName).toBe('Root');
  });
});
