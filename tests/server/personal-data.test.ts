import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { existsSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { BackupService } from '../../server/domain/backup/backup.service';
import { RetentionService } from '../../server/domain/participants/retention';
import type { Session } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, createTestApp, dbRow, dbRows, errorCode, joinSession, setStatus, TEST_DB, type TestApp } from '../helpers/app';
import { ask, openSocket } from '../helpers/sockets';

const DAY = 24 * 60 * 60_000;
/** The text of a .docx, paragraph by paragraph (runs joined, so a name split across runs is still found). */
const docxText = async (buf: Buffer): Promise<string> =>
  [...(await (await JSZip.loadAsync(buf)).file('word/document.xml')!.async('string')).matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((p) => [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))
    .join('\n');
const mode = (f: string) => statSync(f).mode & 0o777;

describe('erasure on request', () => {
  let t: TestApp;
  let s: Session;
  let secretary: string;
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    s = await createSession(t, 'live', { moderation: 'post', panel: [{ name: 'Ông Nông Văn Tư', title: 'Chủ tịch UBND xã' }] });
    secretary = (await createStaff(t, 'secretary')).token;
  });
  afterAll(() => t.close());

  it('records the time of consent with the contact, and none without a contact', async () => {
    const withContact = await joinSession(t, s.code, { contact: '0912 000 111' });
    const without = await joinSession(t, s.code, { displayName: 'Không để lại liên hệ' });
    const row = async (id: number) => (await dbRow(t, 'select contact, contact_consent_at from participants where id = ?', id)) as { contact: string | null; contact_consent_at: string | null };
    expect((await row(withContact.participantId)).contact).toBe('0912 000 111');
    expect(Date.now() - Date.parse((await row(withContact.participantId)).contact_consent_at!)).toBeLessThan(60_000);
    expect(await row(without.participantId)).toEqual({ contact: null, contact_consent_at: null });
  });

  it("removes a participant's name, locality, group and contact from every view and export; its questions stay, anonymous", async () => {
    const NAME = 'Hoàng Thị Xuyến';
    const PLACE = 'Thôn Khuổi Nọi';
    const CONTACT = 'xuyen.hoang@example.vn';
    const p = await joinSession(t, s.code, { displayName: NAME, locality: PLACE, group: 'farmer', contact: CONTACT });
    const q = (await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: 'Giá phân bón năm nay có được hỗ trợ không?' } })).json();
    await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/moderate`, headers: auth(t.adminToken), payload: { action: 'stage' } });
    await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/answers`, headers: auth(t.adminToken), payload: { text: 'Tỉnh hỗ trợ 30% giá phân bón.', kind: 'live', panelSeatId: s.panel[0]!.id } });
    // The opinions register holds the question (approved or later) with its author, read through the
    // participant; the unit's period report (JSON, workbook, document) and the minutes (document) list it by name.
    const namedViews = async (): Promise<string[]> => {
      const get = (url: string) => t.app.inject({ url, headers: auth(secretary) });
      const register = await get(`/api/opinions?sessionId=${s.id}`);
      const opinion = (register.json() as { opinions: { questionId: number | null; unitId: number; receivedAt: string }[] }).opinions.find((o) => o.questionId === q.id)!;
      expect(opinion).toBeDefined();
      const day = opinion.receivedAt.slice(0, 10);
      const period = `from=${day}&to=${day}&unitId=${opinion.unitId}`;
      const report = await get(`/api/reports/opinions.json?${period}`);
      expect(report.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await get(`/api/reports/opinions.xlsx?${period}`)).rawPayload as unknown as ArrayBuffer);
      const cells: string[] = [];
      for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
      const minutes = await get(`/api/sessions/${s.id}/minutes.docx`);
      const reportDocx = await get(`/api/reports/opinions.docx?${period}`);
      return [register.body, report.body, cells.join('\n'), await docxText(minutes.rawPayload), await docxText(reportDocx.rawPayload)];
    };
    const everything = async (): Promise<string> => {
      const get = (url: string) => t.app.inject({ url, headers: auth(secretary) });
      const parts = [
        (await get(`/api/sessions/${s.id}/questions`)).body,
        (await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(p.token) })).body,
        (await get(`/api/sessions/${s.id}/minutes.html`)).body,
        (await get(`/api/sessions/${s.id}/questions.csv`)).body,
        (await get(`/api/sessions/${s.id}/stats`)).body,
        (await get(`/api/participants/${p.participantId}/contact`)).body,
      ];
      parts.push(...(await namedViews()));
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await get(`/api/sessions/${s.id}/questions.xlsx`)).rawPayload as unknown as ArrayBuffer);
      wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => parts.push(String(c.value))));
      const desk = await openSocket(t.url, secretary);
      const snap = await ask(desk, 'session:join', { sessionId: s.id });
      desk.close();
      parts.push(JSON.stringify(snap));
      return parts.join('\n');
    };
    // Before: the secretariat sees it where it should.
    const before = await everything();
    expect(before).toContain(NAME);
    expect(before).toContain(PLACE);
    expect(before).toContain(CONTACT);
    for (const view of await namedViews()) expect(view).toContain(NAME);

    // Not for the moderator, the leader or the participant itself.
    for (const token of [(await createStaff(t, 'moderator')).token, (await createStaff(t, 'leader')).token, p.token]) {
      const r = await t.app.inject({ method: 'DELETE', url: `/api/participants/${p.participantId}/personal-data`, headers: auth(token) });
      expect(r.statusCode).toBe(403);
    }
    const res = await t.app.inject({ method: 'DELETE', url: `/api/participants/${p.participantId}/personal-data`, headers: auth(secretary) });
    expect(res.statusCode).toBe(204);

    const after = await everything();
    for (const gone of [NAME, PLACE, CONTACT]) expect(after).not.toContain(gone);
    expect(await dbRow(t, 'select display_name, locality, "group", contact, contact_consent_at from participants where id = ?', p.participantId)).toEqual({
      display_name: null,
      locality: null,
      group: null,
      contact: null,
      contact_consent_at: null,
    });
    // The question and its answer stay in the record, as an anonymous question.
    const kept = (await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(secretary) })).json().find((x: { id: number }) => x.id === q.id);
    expect(kept).toMatchObject({ text: 'Giá phân bón năm nay có được hỗ trợ không?', anonymous: true, authorName: null, locality: null, group: null });
    expect(after).toContain('Tỉnh hỗ trợ 30% giá phân bón.');
    // The audit log says who erased, never what.
    const audit = (await dbRow(t, "select actor_kind, after from audit_log where action = 'participant.erase'")) as { actor_kind: string; after: string };
    expect(audit.actor_kind).toBe('staff');
    expect(audit.after).not.toContain(NAME);
    expect(JSON.stringify(await dbRows(t, 'select * from audit_log'))).not.toContain(CONTACT);
    // Unknown participant: 404.
    const missing = await t.app.inject({ method: 'DELETE', url: '/api/participants/999999/personal-data', headers: auth(secretary) });
    expect([missing.statusCode, errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
  });

  it('shows the admin what each session keeps and until when', async () => {
    const res = await t.app.inject({ url: '/api/admin/personal-data', headers: auth(t.adminToken) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.backupKeepDays).toBe(30);
    const mine = body.sessions.find((x: { sessionId: number }) => x.sessionId === s.id);
    expect(mine).toMatchObject({ retentionDays: 90, closedAt: null, contactsEraseAt: null, erased: 1 });
    expect(mine.withContact).toBeGreaterThanOrEqual(1);
    // The opinions the secretariat entered from other channels are counted too.
    const unitId = (await t.app.inject({ url: '/api/units', headers: auth(t.adminToken) })).json()[0].id;
    const entered = await t.app.inject({
      method: 'POST',
      url: '/api/opinions',
      headers: auth(t.adminToken),
      payload: { unitId, channel: 'letter', receivedAt: '2026-11-20', text: 'Đề nghị sửa đường vào bản', personName: 'Hà Văn Tú', locality: 'Xã Lâm Bình' },
    });
    expect(entered.statusCode).toBe(201);
    const after = (await t.app.inject({ url: '/api/admin/personal-data', headers: auth(t.adminToken) })).json();
    expect(after.enteredOpinions).toEqual({
      opinions: body.enteredOpinions.opinions + 1,
      withName: body.enteredOpinions.withName + 1,
      withLocality: body.enteredOpinions.withLocality + 1,
      erased: body.enteredOpinions.erased,
    });
    expect((await t.app.inject({ url: '/api/admin/personal-data', headers: auth(secretary) })).statusCode).toBe(403);
    const one = await t.app.inject({ url: `/api/sessions/${s.id}/personal-data`, headers: auth(secretary) });
    expect(one.json()).toMatchObject({ sessionId: s.id, retentionDays: 90 });
  });
});

describe('retention', () => {
  it("erases a closed session's contacts after its retention period, by an injectable clock, and keeps names and questions", async () => {
    const t = await createTestApp();
    try {
      const s = await createSession(t, 'live', { moderation: 'post' });
      const short = await createSession(t, 'live', { moderation: 'post', retentionDays: 7 });
      const p = await joinSession(t, s.code, { displayName: 'Vi Văn Páo', contact: '0988 111 222' });
      const q = await joinSession(t, short.code, { displayName: 'Ma Thị Nga', contact: '0977 333 444' });
      await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: 'Bao giờ có điện lưới về bản?' } });
      const closed = await setStatus(t, s.id, 'closed');
      await setStatus(t, short.id, 'closed');
      expect(closed.retentionDays).toBe(90);
      expect(Date.parse(closed.contactsEraseAt!) - Date.parse(closed.closedAt!)).toBe(90 * DAY);
      // The admin's view says until when, then when it was done.
      const overview = async (id: number) =>
        ((await t.app.inject({ url: '/api/admin/personal-data', headers: auth(t.adminToken) })).json() as { sessions: { sessionId: number }[] }).sessions.find((x) => x.sessionId === id);
      expect(await overview(s.id)).toMatchObject({ retentionDays: 90, closedAt: closed.closedAt, contactsEraseAt: closed.contactsEraseAt, contactsErasedAt: null, withContact: 1 });
      const closedAt = Date.parse(closed.closedAt!);
      let now = new Date(closedAt + 6 * DAY);
      const retention = new RetentionService(t.app.services.port, () => now);
      const contact = async (id: number) => (await dbRow(t, 'select contact, display_name from participants where id = ?', id)) as { contact: string | null; display_name: string };

      expect(await retention.sweep()).toEqual({ sessions: [], contactsErased: 0 });
      now = new Date(closedAt + 8 * DAY);
      expect(await retention.sweep()).toEqual({ sessions: [short.id], contactsErased: 1 });
      expect(await contact(q.participantId)).toEqual({ contact: null, display_name: 'Ma Thị Nga' });
      expect((await contact(p.participantId)).contact).toBe('0988 111 222');
      now = new Date(closedAt + 89 * DAY);
      expect((await retention.sweep()).sessions).toEqual([]);
      now = new Date(closedAt + 90 * DAY + 1000);
      expect(await retention.sweep()).toEqual({ sessions: [s.id], contactsErased: 1 });
      expect(await contact(p.participantId)).toEqual({ contact: null, display_name: 'Vi Văn Páo' });
      expect((await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(t.adminToken) })).json()[0].text).toBe('Bao giờ có điện lưới về bản?');
      const session = (await t.app.inject({ url: `/api/sessions/${s.id}`, headers: auth(t.adminToken) })).json();
      expect(session.contactsErasedAt).toBe(now.toISOString());
      expect(await overview(s.id)).toMatchObject({ contactsErasedAt: now.toISOString(), withContact: 0, withName: 1 });
      // Done once.
      now = new Date(closedAt + 200 * DAY);
      expect((await retention.sweep()).sessions).toEqual([]);
      // The sweep the app runs uses its clock too (here the real one: nothing is due).
      expect((await t.app.services.retention.sweep()).sessions).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('takes the retention setting per session from its admins, between 1 and 3650 days', async () => {
    const t = await createTestApp();
    try {
      const s = await createSession(t, 'open');
      const ok = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}`, headers: auth(t.adminToken), payload: { retentionDays: 30 } });
      expect(ok.json().retentionDays).toBe(30);
      const bad = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}`, headers: auth(t.adminToken), payload: { retentionDays: 0 } });
      expect(bad.statusCode).toBe(400);
      const sec = await createStaff(t, 'secretary');
      const refused = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}`, headers: auth(sec.token), payload: { retentionDays: 50 } });
      expect(refused.statusCode).toBe(403);
    } finally {
      await t.close();
    }
  });
});

describe('files on disk', () => {
  it('creates the data directory 0700 and its secret 0600', () => {
    const parent = mkdtempSync(join(tmpdir(), 'langnghe-perm-'));
    try {
      const dataDir = join(parent, 'data');
      loadConfig({ DATA_DIR: dataDir });
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'jwt-secret'))).toBe(0o600);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  // The SQLite file, its WAL and its backup copies; PostgreSQL keeps no file here and is backed up with pg_dump.
  it.skipIf(TEST_DB === 'pg')('creates the database and its WAL 0600, backups 0600 in a 0700 directory', async () => {
    const t = await createTestApp();
    try {
      const s = await createSession(t, 'live');
      await joinSession(t, s.code, { contact: '0912 345 678' });
      const db = join(t.dataDir, 'test.db');
      for (const f of [db, `${db}-wal`, `${db}-shm`]) {
        expect(existsSync(f), f).toBe(true);
        expect(mode(f), f).toBe(0o600);
      }
      const made = await t.app.inject({ method: 'POST', url: '/api/admin/backups', headers: auth(t.adminToken) });
      expect(made.statusCode).toBe(201);
      expect(mode(join(t.dataDir, 'backups'))).toBe(0o700);
      expect(mode(join(t.dataDir, 'backups', made.json().file))).toBe(0o600);
    } finally {
      await t.close();
    }
  });

  // Backups are copies of the SQLite file; PostgreSQL is backed up with pg_dump.
  it.skipIf(TEST_DB === 'pg')('prunes backups older than BACKUP_KEEP_DAYS, always keeping the newest', async () => {
    const t = await createTestApp();
    try {
      let now = new Date();
      const service = new BackupService(t.db.$client, t.dataDir, undefined, { keepDays: 30, clock: () => now });
      const a = await service.create();
      const b = await service.create();
      const c = await service.create();
      const old = new Date(Date.now() - 40 * DAY);
      utimesSync(join(service.dir, a.file), old, old);
      utimesSync(join(service.dir, b.file), old, old);
      expect(service.prune()).toEqual([b.file, a.file].sort().reverse());
      expect(service.list().map((x) => x.file)).toEqual([c.file]);
      // Even an old newest copy stays: never no backup at all.
      now = new Date(Date.now() + 400 * DAY);
      expect(service.prune()).toEqual([]);
      expect(service.list()).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
