import JSZip from 'jszip';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session, Venue } from '../../shared/schemas/entities';
import { roundRobin, venueTurns } from '../../shared/turns';
import { ask, collect, eventually, openSocket, type ClientSocket } from '../helpers/sockets';
import { auth, createSession, createStaff, createTestApp, dbRow, joinSession, type TestApp } from '../helpers/app';

const SECRET = 'sms-gateway-test-secret-0123456789';
const sign = (raw: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('linked venues, questions taken on behalf, SMS intake', () => {
  let t: TestApp;
  let session: Session;
  const venues: Venue[] = [];
  let centralMod: { token: string; user: { id: number } };
  let venueMod: { token: string; user: { id: number } };
  let secretary: { token: string; user: { id: number } };
  const sockets: ClientSocket[] = [];

  const http = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { ...(token ? auth(token) : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const sms = async (msg: Record<string, unknown>, signature?: string) => {
    const raw = JSON.stringify(msg);
    const res = await fetch(`${t.url}/api/intake/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signature ?? sign(raw) },
      body: raw,
    });
    return { status: res.status, body: await res.json() };
  };
  const count = async (sql: string, ...args: unknown[]) => (await dbRow<{ n: number }>(t, sql, ...args))!.n;

  beforeAll(async () => {
    t = await createTestApp({ SMS_WEBHOOK_SECRET: SECRET, RATE_LIMIT_SMS_PER_MINUTE: '2' });
    await t.listen();
    centralMod = await createStaff(t, 'moderator');
    venueMod = await createStaff(t, 'moderator');
    secretary = await createStaff(t, 'secretary');
    session = await createSession(t, 'live', { moderation: 'pre', title: 'Đối thoại với nông dân ba huyện' });
    for (const [name, locality] of [
      ['Điểm cầu huyện Sơn Dương', 'Sơn Dương'],
      ['Điểm cầu huyện Yên Sơn', 'Yên Sơn'],
      ['Điểm cầu huyện Hàm Yên', 'Hàm Yên'],
    ]) {
      const r = await http('POST', `/api/sessions/${session.id}/venues`, t.adminToken, { name, locality });
      expect(r.status).toBe(201);
      venues.push(r.body);
    }
    // The venue moderator works at Sơn Dương only.
    const staff = await http('GET', `/api/sessions/${session.id}/staff`, t.adminToken);
    const put = await http('PUT', `/api/sessions/${session.id}/staff`, t.adminToken, {
      userIds: staff.body.staff.map((u: { id: number }) => u.id),
      venues: [{ userId: venueMod.user.id, venueId: venues[0]!.id }],
    });
    expect(put.status).toBe(200);
    expect(put.body.venues).toEqual([{ userId: venueMod.user.id, venueId: venues[0]!.id }]);
    // The admin form sends user ids only: a venue moderator listed again keeps its venue.
    const again = await http('PUT', `/api/sessions/${session.id}/staff`, t.adminToken, { userIds: staff.body.staff.map((u: { id: number }) => u.id) });
    expect(again.body.venues).toEqual([{ userId: venueMod.user.id, venueId: venues[0]!.id }]);
    const wrong = await http('PUT', `/api/sessions/${session.id}/staff`, t.adminToken, { userIds: [], venues: [{ userId: venueMod.user.id, venueId: venues[0]!.id }] });
    expect(wrong.status).toBe(400);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
  });

  it('gives each venue its own code, distinct from the session and each other, readable by staff only', async () => {
    const codes = [session.code, ...venues.map((v) => v.code)];
    expect(new Set(codes).size).toBe(4);
    for (const v of venues) expect(v.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
    const list = await http('GET', `/api/sessions/${session.id}/venues`, secretary.token);
    expect(list.status).toBe(200);
    expect(list.body.map((v: Venue) => v.name)).toEqual(venues.map((v) => v.name));
    const byMod = await http('POST', `/api/sessions/${session.id}/venues`, centralMod.token, { name: 'Điểm cầu khác' });
    expect(byMod.status).toBe(403);
    const empty = await http('POST', `/api/sessions/${session.id}/venues`, t.adminToken, { name: '   ' });
    expect(empty.status).toBe(400);
    expect(await count('select count(*) n from venues where session_id = ?', session.id)).toBe(3);
  });

  it('places phones joining by a venue code in that venue; their questions carry the venue and channel app', async () => {
    for (const [i, v] of venues.entries()) {
      const joined = await http('POST', '/api/join', undefined, { code: v.code.toLowerCase(), displayName: `Nông dân ${i}` });
      expect(joined.status).toBe(200);
      expect(joined.body.session.id).toBe(session.id);
      expect(joined.body.participant.venueId).toBe(v.id);
      const q = await http('POST', `/api/sessions/${session.id}/questions`, joined.body.token, { text: `Giá phân bón ở ${v.locality} quá cao, tỉnh có hỗ trợ không?` });
      expect(q.status).toBe(200);
      expect(q.body).toMatchObject({ channel: 'app', venueId: v.id, status: 'pending' });
      // The phone's own snapshot names the venue it joined by (its page says "Điểm cầu: …").
      const phone = await openSocket(t.url, joined.body.token);
      sockets.push(phone);
      const snap = await ask(phone, 'session:join', { sessionId: session.id });
      expect(snap).toMatchObject({ ok: true, data: { venue: { id: v.id, name: v.name } } });
    }
    const hall = await joinSession(t, session.code);
    const q = await http('POST', `/api/sessions/${session.id}/questions`, hall.token, { text: 'Câu hỏi từ hội trường chính về thủy lợi' });
    expect(q.body).toMatchObject({ channel: 'app', venueId: null });
    const hallPhone = await openSocket(t.url, hall.token);
    sockets.push(hallPhone);
    const hallSnap = await ask(hallPhone, 'session:join', { sessionId: session.id });
    expect(hallSnap).toMatchObject({ ok: true, data: { venue: null } });
  });

  it('lets a venue moderator take a floor question for its venue, see and screen only its venue', async () => {
    const sock = await openSocket(t.url, venueMod.token);
    sockets.push(sock);
    const created = collect(sock, 'question:created');
    const snap = await ask(sock, 'session:join', { sessionId: session.id });
    expect(snap.ok).toBe(true);
    const seen = (snap as { data: { questions: Question[] } }).data.questions;
    expect(seen.length).toBe(1);
    expect(seen.every((q) => q.venueId === venues[0]!.id)).toBe(true);

    const floor = await http('POST', `/api/sessions/${session.id}/questions`, venueMod.token, {
      text: 'Bà con xin hỏi về đền bù đất làm đường tránh',
      channel: 'floor',
      personName: 'Ông Hoàng Văn Thụ',
      locality: 'Xã Tân Trào',
      group: 'farmer',
    });
    expect(floor.status).toBe(200);
    expect(floor.body).toMatchObject({ channel: 'floor', venueId: venues[0]!.id, authorName: 'Ông Hoàng Văn Thụ', locality: 'Xã Tân Trào', group: 'farmer', status: 'pending' });
    await eventually(() => created.find((q) => q.id === floor.body.id), 3000, 'the floor question on the venue desk');

    // Another venue: neither taking, nor seeing, nor acting.
    const elsewhere = await http('POST', `/api/sessions/${session.id}/questions`, venueMod.token, { text: 'Câu hỏi', channel: 'paper', venueId: venues[1]!.id });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.code).toBe('NOT_ASSIGNED');
    const list = await http('GET', `/api/sessions/${session.id}/questions`, venueMod.token);
    expect(list.body.map((q: Question) => q.venueId)).toEqual([venues[0]!.id, venues[0]!.id]);
    const other = (await http('GET', `/api/sessions/${session.id}/questions`, centralMod.token)).body.find((q: Question) => q.venueId === venues[1]!.id);
    const before = await dbRow(t, 'select status, updated_at from questions where id = ?', other.id);
    const refused = await http('POST', `/api/questions/${other.id}/moderate`, venueMod.token, { action: 'approve' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('NOT_ASSIGNED');
    const bySocket = await ask(sock, 'question:moderate', { questionId: other.id, action: 'approve' });
    expect(bySocket).toMatchObject({ ok: false, error: { code: 'NOT_ASSIGNED' } });
    expect(await dbRow(t, 'select status, updated_at from questions where id = ?', other.id)).toEqual(before);
    expect(created.some((q) => q.venueId !== venues[0]!.id)).toBe(false);

    // It screens its own; the stage stays with the central desk.
    const ok = await http('POST', `/api/questions/${floor.body.id}/moderate`, venueMod.token, { action: 'approve' });
    expect(ok.status).toBe(200);
    const stage = await http('POST', `/api/questions/${floor.body.id}/moderate`, venueMod.token, { action: 'stage' });
    expect(stage.body.error.code).toBe('NOT_ASSIGNED');
    const central = await http('POST', `/api/questions/${floor.body.id}/moderate`, centralMod.token, { action: 'stage' });
    expect(central.body.status).toBe('on_stage');
  });

  it('lets a secretary enter paper and hotline questions; participants and leaders cannot', async () => {
    const paper = await http('POST', `/api/sessions/${session.id}/questions`, secretary.token, {
      text: 'Phiếu hỏi: khi nào sửa cầu treo?',
      channel: 'paper',
      venueId: venues[2]!.id,
      personName: 'Bà Lò Thị Mai',
      anonymous: true,
    });
    expect(paper.status).toBe(200);
    expect(paper.body).toMatchObject({ channel: 'paper', venueId: venues[2]!.id, anonymous: true });
    const hotline = await http('POST', `/api/sessions/${session.id}/questions`, secretary.token, { text: 'Gọi đường dây nóng: hỏi về bảo hiểm y tế', channel: 'hotline' });
    expect(hotline.body).toMatchObject({ channel: 'hotline', venueId: null, authorName: null });
    // The anonymous paper slip's author is hidden from the public like any other.
    const p = await joinSession(t, session.code);
    await http('POST', `/api/questions/${paper.body.id}/moderate`, centralMod.token, { action: 'approve' });
    const pub = (await http('GET', `/api/sessions/${session.id}/questions`, p.token)).body.find((q: Question) => q.id === paper.body.id);
    expect(pub).toMatchObject({ channel: 'paper', authorName: null });

    const leader = await createStaff(t, 'leader');
    const before = await count('select count(*) n from questions');
    for (const token of [p.token, leader.token]) {
      const r = await http('POST', `/api/sessions/${session.id}/questions`, token, { text: 'Không được', channel: 'floor' });
      expect(r.status).toBe(403);
    }
    const badVenue = await http('POST', `/api/sessions/${session.id}/questions`, secretary.token, { text: 'Sai điểm cầu', channel: 'floor', venueId: 999 });
    expect(badVenue.status).toBe(400);
    const badChannel = await http('POST', `/api/sessions/${session.id}/questions`, secretary.token, { text: 'Kênh lạ', channel: 'app' });
    expect(badChannel.status).toBe(400);
    expect(await count('select count(*) n from questions')).toBe(before);
  });

  it('takes a signed SMS by session or venue code and refuses a bad signature, a replay, a stale or unknown one', async () => {
    const now = () => new Date().toISOString();
    const ok = await sms({ from: '+84 912 000 111', text: `${venues[1]!.code} Xin hỏi giá lúa vụ mùa`, receivedAt: now(), messageId: 'm-1' });
    expect(ok.status).toBe(200);
    expect(ok.body.accepted).toBe(true);
    expect(ok.body.reply).toContain(ok.body.question.trackingCode);
    expect(ok.body.reply).toMatch(/^Đã nhận câu hỏi số \d+/);
    const q = (await http('GET', `/api/sessions/${session.id}/questions`, centralMod.token)).body.find((x: Question) => x.id === ok.body.question.id);
    expect(q).toMatchObject({ channel: 'sms', venueId: venues[1]!.id, text: 'Xin hỏi giá lúa vụ mùa', authorName: null });
    // The number is kept as the asker's contact: the secretariat sees it (audited), nobody else.
    expect(JSON.stringify(q)).not.toContain('912');
    const contact = await http('GET', `/api/participants/${q.participantId}/contact`, secretary.token);
    expect(contact.body.contact).toBe('+84912000111');

    const bySession = await sms({ from: '0912000222', text: `${session.code.toLowerCase()}   Hỏi về trường học`, receivedAt: now(), messageId: 'm-2' });
    expect(bySession.body.question).toMatchObject({ sessionId: session.id, venueId: null });

    const rows = await count('select count(*) n from questions');
    const raw = JSON.stringify({ from: '0912000333', text: `${session.code} Câu hỏi giả`, receivedAt: now(), messageId: 'm-3' });
    const forged = await sms(JSON.parse(raw), sign(raw, 'wrong-secret'));
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('SMS_SIGNATURE_INVALID');
    const unsigned = await fetch(`${t.url}/api/intake/sms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect(unsigned.status).toBe(401);

    const replay = await sms({ from: '+84 912 000 111', text: `${venues[1]!.code} Xin hỏi giá lúa vụ mùa`, receivedAt: now(), messageId: 'm-1' });
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({ error: { code: 'SMS_REPLAYED' }, reply: 'Tin nhắn này đã được nhận trước đó.' });
    const stale = await sms({ from: '0912000444', text: `${session.code} Cũ`, receivedAt: new Date(Date.now() - 3_600_000).toISOString(), messageId: 'm-4' });
    expect(stale.status).toBe(400);
    expect(stale.body.error.code).toBe('SMS_STALE');
    const unknown = await sms({ from: '0912000555', text: 'ZZZZ99 Hỏi gì đó', receivedAt: now(), messageId: 'm-5' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'SESSION_NOT_FOUND' } });
    expect(unknown.body.reply).toContain('Không tìm thấy hội nghị có mã ZZZZ99');
    const empty = await sms({ from: '0912000555', text: `${session.code}`, receivedAt: now(), messageId: 'm-6' });
    expect(empty.body.error.code).toBe('QUESTION_EMPTY');
    expect(await count('select count(*) n from questions')).toBe(rows);
    // A refused message is remembered: sent again (now with a question), its id is not taken.
    expect(await count("select count(*) n from sms_messages where message_id in ('m-5', 'm-6') and question_id is null")).toBe(2);
    const again = await sms({ from: '0912000555', text: `${session.code} Bây giờ mới có câu hỏi`, receivedAt: now(), messageId: 'm-6' });
    expect(again.body.error.code).toBe('SMS_REPLAYED');
    expect(await count('select count(*) n from questions')).toBe(rows);

    // Per phone number: two a minute here, then a polite refusal.
    await sms({ from: '0912000999', text: `${session.code} Một`, receivedAt: now(), messageId: 'r-1' });
    await sms({ from: '0912000999', text: `${session.code} Hai`, receivedAt: now(), messageId: 'r-2' });
    const limited = await sms({ from: '0912 000 999', text: `${session.code} Ba`, receivedAt: now(), messageId: 'r-3' });
    expect(limited.status).toBe(429);
    expect(limited.body.reply).toContain('quá nhiều tin nhắn');
    // One participant per number and session.
    expect(await count("select count(distinct participant_id) n from questions where channel = 'sms' and session_id = ?", session.id)).toBe(3);
  });

  it('orders the queue round-robin across venues, fewest turns on stage first', async () => {
    const all = () => http('GET', `/api/sessions/${session.id}/questions`, centralMod.token).then((r) => r.body as Question[]);
    for (const q of await all()) if (q.status === 'pending') await http('POST', `/api/questions/${q.id}/moderate`, centralMod.token, { action: 'approve' });
    const qs = await all();
    const id = (match: (text: string) => boolean) => qs.find((q) => match(q.text))!.id;
    const has = (part: string) => (text: string) => text.includes(part);
    const order = roundRobin(qs, venues.map((v) => v.id));
    // Sơn Dương already had its floor question on stage: it goes last in each round; the main hall, then the others in order.
    expect(order).toEqual([
      id(has('thủy lợi')),
      id(has('ở Yên Sơn')),
      id(has('ở Hàm Yên')),
      id(has('ở Sơn Dương')),
      id(has('bảo hiểm y tế')),
      id(has('giá lúa')),
      id(has('cầu treo')),
      id(has('trường học')),
      id((x) => x === 'Một'),
      id((x) => x === 'Hai'),
    ]);
    const turns = venueTurns(qs, venues.map((v) => v.id));
    expect(turns.map((x) => [x.venueId, x.onStage, x.waiting.length])).toEqual([
      [null, 0, 5],
      [venues[0]!.id, 1, 1],
      [venues[1]!.id, 0, 2],
      [venues[2]!.id, 0, 2],
    ]);
  });

  it('counts by venue and by channel the same in the statistics and the minutes, with each venue and its attendance', async () => {
    const floor = (await http('GET', `/api/sessions/${session.id}/questions`, centralMod.token)).body.find((q: Question) => q.channel === 'floor');
    await http('POST', `/api/questions/${floor.id}/moderate`, centralMod.token, { action: 'answered' });
    const att = await http('PATCH', `/api/venues/${venues[0]!.id}`, secretary.token, { attendance: 120 });
    expect(att.body.attendance).toBe(120);
    expect((await http('PATCH', `/api/venues/${venues[0]!.id}`, secretary.token, { name: 'Đổi tên' })).status).toBe(403);
    expect((await http('PATCH', `/api/venues/${venues[1]!.id}`, venueMod.token, { attendance: 5 })).status).toBe(403);

    const stats = (await http('GET', `/api/sessions/${session.id}/stats`, secretary.token)).body;
    expect(stats.sources.byChannel).toEqual({ app: 4, floor: 1, paper: 1, hotline: 1, sms: 4 });
    expect(stats.sources.byVenue.map((v: { name: string; questions: number; onStage: number }) => [v.name, v.questions, v.onStage])).toEqual([
      ['Hội trường chính', 5, 0],
      ['Điểm cầu huyện Sơn Dương', 2, 1],
      ['Điểm cầu huyện Yên Sơn', 2, 0],
      ['Điểm cầu huyện Hàm Yên', 2, 0],
    ]);
    const total = Object.values(stats.sources.byChannel as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBe(stats.outcomes.received);

    const res = await fetch(`${t.url}/api/sessions/${session.id}/minutes.html`, { headers: auth(secretary.token) });
    const html = (await res.text()).replace(/<[^>]+>/g, '');
    // The same numbers, printed.
    expect(html).toContain(
      'Câu hỏi theo nguồn: qua ứng dụng: 4; phát biểu tại hội trường: 1; phiếu câu hỏi: 1; đường dây nóng: 1; tin nhắn SMS: 4. ' +
        'Theo điểm cầu: Hội trường chính: 5 (đưa lên màn hình: 0); Điểm cầu huyện Sơn Dương: 2 (đưa lên màn hình: 1); ' +
        'Điểm cầu huyện Yên Sơn: 2 (đưa lên màn hình: 0); Điểm cầu huyện Hàm Yên: 2 (đưa lên màn hình: 0).',
    );
    expect(html).toContain('Hội nghị được kết nối trực tuyến với 3 điểm cầu:');
    expect(html).toContain('+ Điểm cầu huyện Sơn Dương: 120 người tham dự;');
    expect(html).toContain('+ Điểm cầu huyện Yên Sơn: … người tham dự;');
    expect(html).toContain('nơi hỏi: Điểm cầu huyện Sơn Dương, phát biểu tại hội trường.');
    expect(html).not.toContain('912000');

    const csv = await (await fetch(`${t.url}/api/sessions/${session.id}/questions.csv`, { headers: auth(secretary.token) })).text();
    const header = csv.split('\r\n')[0]!;
    expect(header.endsWith('Nguồn câu hỏi,Điểm cầu')).toBe(true);
    const row = csv.split('\r\n').find((l) => l.includes('đền bù đất'))!;
    expect(row.endsWith('Phát biểu tại hội trường,Điểm cầu huyện Sơn Dương')).toBe(true);
    expect(csv).not.toContain('912000');
  });

  it('adds up the attendance of the main hall and every venue, the same in the minutes (DOCX and HTML) and the statistics', async () => {
    const notes = await http('PATCH', `/api/sessions/${session.id}/minutes-notes`, secretary.token, { attendance: 200 });
    expect(notes.status).toBe(200);
    expect((await http('PATCH', `/api/venues/${venues[1]!.id}`, secretary.token, { attendance: 80 })).body.attendance).toBe(80);
    const html = async () =>
      (await (await fetch(`${t.url}/api/sessions/${session.id}/minutes.html`, { headers: auth(secretary.token) })).text()).replace(/<[^>]+>/g, '');
    let text = await html();
    expect(text).toContain('- Công dân tham dự tại hội trường chính: 200 người;');
    // Hàm Yên has no count yet: the total says so rather than pretend.
    expect(text).toContain('- Tổng số người tham dự tại hội trường chính và các điểm cầu: 400 người (chưa gồm số người của: Điểm cầu huyện Hàm Yên);');
    expect((await http('GET', `/api/sessions/${session.id}/stats`, secretary.token)).body.attendanceTotal).toBe(400);

    await http('PATCH', `/api/venues/${venues[2]!.id}`, secretary.token, { attendance: 50 });
    text = await html();
    expect(text).toContain('+ Điểm cầu huyện Hàm Yên: 50 người tham dự;');
    expect(text).toMatch(/- Tổng số người tham dự tại hội trường chính và các điểm cầu: 450 người; \d+ người tham gia qua ứng dụng/);
    const stats = (await http('GET', `/api/sessions/${session.id}/stats`, secretary.token)).body;
    expect(stats.attendanceTotal).toBe(450);
    expect(stats.attendance + stats.sources.byVenue.reduce((n: number, v: { attendance: number | null }) => n + (v.attendance ?? 0), 0)).toBe(450);

    const docx = await fetch(`${t.url}/api/sessions/${session.id}/minutes.docx`, { headers: auth(secretary.token) });
    const xml = await (await JSZip.loadAsync(await docx.arrayBuffer())).file('word/document.xml')!.async('string');
    const paras = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((x) => x[1]).join(''));
    expect(paras).toContain('- Công dân tham dự tại hội trường chính: 200 người;');
    expect(paras).toContain('+ Điểm cầu huyện Sơn Dương: 120 người tham dự;');
    expect(paras.some((p) => p.startsWith('- Tổng số người tham dự tại hội trường chính và các điểm cầu: 450 người;'))).toBe(true);
  });

  it("shows every audience a question's channel and venue, and never an anonymous asker (leader, public record)", async () => {
    const leader = await createStaff(t, 'leader');
    const sock = await openSocket(t.url, leader.token);
    sockets.push(sock);
    const snap = await ask(sock, 'session:join', { sessionId: session.id });
    expect(snap.ok).toBe(true);
    const seen = (snap as { data: { questions: Question[] } }).data.questions;
    const floor = seen.find((q) => q.channel === 'floor')!;
    expect(floor).toMatchObject({ venueId: venues[0]!.id, authorName: 'Ông Hoàng Văn Thụ' });
    const paper = seen.find((q) => q.channel === 'paper')!;
    expect(paper).toMatchObject({ venueId: venues[2]!.id, anonymous: true, authorName: null, locality: null, group: null });
    expect(JSON.stringify(seen)).not.toContain('Lò Thị Mai');

    await http('PATCH', `/api/sessions/${session.id}`, t.adminToken, { status: 'closed' });
    const record = (await http('GET', `/api/public/sessions/${session.id}`)).body;
    expect(record.venues.map((v: { name: string }) => v.name)).toEqual(venues.map((v) => v.name));
    const pub = (part: string) => record.questions.find((q: { text: string }) => q.text.includes(part));
    expect(pub('đền bù đất')).toMatchObject({ channel: 'floor', venue: 'Điểm cầu huyện Sơn Dương' });
    expect(pub('cầu treo')).toMatchObject({ channel: 'paper', venue: 'Điểm cầu huyện Hàm Yên' });
    expect(pub('bảo hiểm y tế')).toMatchObject({ channel: 'hotline', venue: null });
    expect(pub('giá lúa')).toMatchObject({ channel: 'sms', venue: 'Điểm cầu huyện Yên Sơn' });
    // No asker is named on the public record, anonymous or not; no phone number either.
    const all = JSON.stringify(record);
    for (const personal of ['Lò Thị Mai', 'Hoàng Văn Thụ', 'Tân Trào', '912000']) expect(all).not.toContain(personal);
  });

  it('refuses SMS when no secret is configured', async () => {
    const off = await createTestApp();
    try {
      const raw = JSON.stringify({ from: '0912', text: 'ABCDEF hỏi', receivedAt: new Date().toISOString(), messageId: 'x' });
      const res = await off.app.inject({ method: 'POST', url: '/api/intake/sms', headers: { 'content-type': 'application/json', 'x-signature': sign(raw, '') }, payload: raw });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('SMS_INTAKE_DISABLED');
    } finally {
      await off.close();
    }
  });
});
