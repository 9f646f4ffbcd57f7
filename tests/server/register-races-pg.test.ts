import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPg, type PgDb } from '../../server/db/pg';
import { PgPort } from '../../server/db/pg-port';
import { freshPgDatabase, TEST_PG_URL } from '../helpers/pg';
import { OpinionsRepo } from '../../server/domain/opinions/opinions.repo';
import { UnitsService } from '../../server/domain/opinions/units.service';
import { OpinionsReportRepo } from '../../server/domain/reports/opinions-report.repo';
import { ConclusionsRepo } from '../../server/domain/reports/conclusions.repo';
import { ParticipantsRepo } from '../../server/domain/participants/participants.repo';
import { ParticipantRegistry } from '../../server/domain/participants/participant-registry';
import { RetentionService } from '../../server/domain/participants/retention';
import { OpinionsService } from '../../server/domain/opinions/opinions.service';
import { DomainEvents } from '../../server/domain/events';
import type { Actor } from '../../server/domain/actor';

const admin: Actor = { kind: 'staff', userId: 1, role: 'admin', displayName: 'A' };

/**
 * The register, reports and participants' SQL on a real PostgreSQL, with the
 * races READ COMMITTED allows run side by side: the repos and services
 * alone (no app), on rows written with plain SQL.
 */
describe.skipIf(!TEST_PG_URL)('register and participants on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof freshPgDatabase>>;
  let db: PgDb;
  let port: PgPort;
  beforeAll(async () => {
    database = await freshPgDatabase();
    db = await openPg(database.url, { maxConnections: 4 });
    port = new PgPort(db);
    const c = db.$client;
    await c.query("insert into users (username, display_name, role, password_hash) values ('admin', 'A', 'admin', 'x')");
  });
  afterAll(async () => {
    await db?.$client.end();
    await database?.drop();
  });

  it('one default unit for nodes starting together; a field name taken meanwhile is CONFLICT', async () => {
    const units = new UnitsService(port, async () => ({ name: 'UBND XÃ A', abbreviation: 'UBND' }));
    const [u1, u2] = await Promise.all([units.ensureDefault(), units.ensureDefault()]);
    expect(u1.id).toBe(u2.id);
    expect((await units.repo.list()).length).toBe(1);
    const f = await units.createField(admin, { name: 'Zeta', keywords: ['a'] });
    expect(f.position).toBeGreaterThan(1);
    await expect(units.createField(admin, { name: 'zeta' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const r = await Promise.allSettled([units.createField(admin, { name: 'Dup' }), units.createField(admin, { name: 'Dup' })]);
    expect(r.map((x) => x.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((r.find((x) => x.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    await units.updateField(admin, f.id, { active: false });
  });

  it('opinions, reports and participants: every statement runs, and the races end in one winner', async () => {
    const c = db.$client;
    const unitId = (await c.query('select id from units limit 1')).rows[0].id;
    const s = await c.query(
      "insert into sessions (title, audience, starts_at, code, status, unit_id, started_at, closed_at) values ('Đối thoại', 'Thanh niên', '2026-01-01T01:00:00.000Z', 'ABCDEF', 'closed', $1, '2026-01-01T01:00:00.000Z', '2026-01-01T03:00:00.000Z') returning id",
      [unitId],
    );
    const sessionId = s.rows[0].id;
    const p = await c.query("insert into participants (session_id, display_name, contact, contact_consent_at) values ($1, 'B', '0900', '2026-01-01T01:00:00.000Z') returning id", [sessionId]);
    const pid = p.rows[0].id;
    const q = async (status: string, code: string, anonymous = false) =>
      (await c.query("insert into questions (session_id, participant_id, text, status, tracking_code, anonymous, number) values ($1, $2, 'Hỏi', $3, $4, $5, (select coalesce(max(number),0)+1 from questions where session_id = $1)) returning id", [sessionId, pid, status, code, anonymous])).rows[0].id as number;
    const q1 = await q('approved', 'AAAAAAAAAA');
    const q2 = await q('pending', 'BBBBBBBBBB', true);
    const repo = new OpinionsRepo(port);
    // Two transactions sync the same question side by side: one opinion, no error.
    const made = await Promise.all([port.tx(() => repo.syncQuestion(q1)), port.tx(() => repo.syncQuestion(q1))]);
    expect(made.sort()).toEqual([0, 1]);
    expect(await port.tx(() => repo.syncQuestion(q2))).toBe(0);
    await c.query("update questions set status = 'merged', merged_into_id = $1 where id = $2", [q1, q2]);
    expect(await port.tx(() => repo.syncQuestions())).toBe(1);
    const links = await repo.repeatLinks(unitId);
    expect(links.size).toBe(1);
    expect(await repo.trackingCodeTaken('AAAAAAAAAA')).toBe(true);
    expect(await repo.trackingCodeTaken('ZZZZZZZZZZ')).toBe(false);
    const rows = await repo.list({ unitId, sessionScope: [sessionId], ids: [1, 2, 3], source: 'session', fieldId: 0, outcome: 'none' });
    expect(rows.length).toBe(2);
    expect(rows.find((r) => r.questionId === q2)?.anonymous).toBe(true);
    expect(rows[0].hasPublicAnswer).toBe(false);
    expect(await repo.list({ sessionScope: [] })).toHaveLength(0);
    expect(await repo.enteredPersonalDataCounts()).toEqual({ opinions: 0, withName: 0, withLocality: 0, erased: 0 });

    const events = new DomainEvents();
    const fakeSessions = { requireStaffOf: async () => undefined, scopeOf: async () => null } as never;
    const units = new UnitsService(port, async () => ({ name: 'x', abbreviation: 'x' }));
    const svc = new OpinionsService(port, events, fakeSessions, units, {} as never);
    const made2 = await Promise.all(
      [1, 2, 3].map(() => svc.create(admin, { unitId, channel: 'letter', receivedAt: '2026-01-02', text: 'Thư', personName: 'C' } as never)),
    );
    expect(new Set(made2.map((o) => o.trackingCode)).size).toBe(3);
    expect(await repo.enteredPersonalDataCounts()).toEqual({ opinions: 3, withName: 3, withLocality: 0, erased: 0 });
    // Two repeat links at once that together would make a loop: one stands, the other is refused.
    const [a, b] = made2;
    const r = await Promise.allSettled([svc.update(admin, a.id, { repeatOfId: b.id }), svc.update(admin, b.id, { repeatOfId: a.id })]);
    expect(r.map((x) => x.status).sort()).toEqual(['fulfilled', 'rejected']);
    await svc.update(admin, made2[2].id, { outcome: 'resolved', responseRef: 'CV 1', fieldId: null });
    await svc.erasePersonalData(admin, made2[2].id);
    expect((await svc.list(admin, {} as never)).length).toBe(5);

    const rr = new OpinionsReportRepo(port);
    expect((await rr.unit(unitId))?.createdAt).toBeTruthy();
    expect((await rr.fields()).every((f) => typeof f.active === 'boolean')).toBe(true);
    const facts = await rr.opinionsOfUnit(unitId, '2100-01-01T00:00:00.000Z');
    expect(facts.length).toBe(5);
    expect(facts.find((f) => f.questionId === q2)?.anonymous).toBe(true);
    expect(facts.find((f) => f.questionId === q1)?.personName).toBe('B');
    expect((await rr.opinionsOfSessions([sessionId])).length).toBe(2);
    expect((await rr.outcomeSetAt(made2.map((o) => o.id))).size).toBe(3);
    const held = await rr.heldSessions(unitId, '2025-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z');
    expect(held).toMatchObject([{ id: sessionId, joined: 1, audienceGroup: null, chairName: null }]);
    expect(await rr.earlierSessions(999, unitId, '2027-01-01T00:00:00.000Z')).toMatchObject([{ id: sessionId, joined: 0 }]);
    expect(await rr.earlierSessions(999, null, '2027-01-01T00:00:00.000Z')).toEqual([]);
    expect(await rr.commitmentsOf([sessionId])).toEqual([]);

    const cr = new ConclusionsRepo(port);
    const saved = await Promise.all(
      [1, 2].map((i) => port.tx(() => cr.upsert(sessionId, { subject: `S${i}`, assessment: '', tasks: '[]', recipients: '[]', authority: '{}', updatedBy: 1, updatedAt: new Date().toISOString() }))),
    );
    expect(saved).toHaveLength(2);
    expect((await cr.get(sessionId))?.subject).toMatch(/^S[12]$/);
    expect((await port.tx(() => cr.setMinutesNotes(sessionId, { attendance: 10, updatedAt: new Date().toISOString() }))).attendance).toBe(10);

    expect(await new ParticipantsRepo(port).personalDataCounts(sessionId)).toMatchObject({ participants: 1, withName: 1, withContact: 1 });
    await c.query('update participants set banned_at = $1 where id = $2', [new Date().toISOString(), pid]);
    const reg = new ParticipantRegistry(port);
    await reg.ready;
    expect(reg.isBanned(pid)).toBe(true);

    const { ReportsRepo } = await import('../../server/domain/reports/reports.repo');
    const reports = new ReportsRepo(port, {} as never, {} as never);
    expect(await reports.publicSessions(['approved', 'merged'])).toMatchObject([{ session: { id: sessionId }, questionCount: 2 }]);
    expect(await reports.questionIdByTrackingCode('AAAAAAAAAA')).toBe(q1);
    const retention = new RetentionService(port, () => new Date('2030-01-01T00:00:00Z'));
    const sweeps = await Promise.all([retention.sweep(), retention.sweep()]);
    expect(sweeps.map((x) => x.contactsErased).sort()).toEqual([0, 1]);
    expect(sweeps.flatMap((x) => x.sessions)).toEqual([sessionId]);
    const audits = await c.query("select count(*) as n from audit_log where action = 'session.contacts.erase'");
    expect(audits.rows[0].n).toBe(1);
  });
});
