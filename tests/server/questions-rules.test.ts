import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, createTestApp, dbRow, dbRows, errorCode, joinSession, setStatus, type TestApp } from '../helpers/app';

describe('question rules over HTTP', () => {
  let t: TestApp;
  let mod: { token: string };
  let leader: { token: string };
  let sec: { token: string };
  beforeAll(async () => {
    t = await createTestApp();
    mod = await createStaff(t, 'moderator');
    leader = await createStaff(t, 'leader');
    sec = await createStaff(t, 'secretary');
  });
  afterAll(() => t.close());

  const submit = (token: string, sessionId: number, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/questions`, headers: auth(token), payload: body });
  const moderate = (token: string, id: number, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/api/questions/${id}/moderate`, headers: auth(token), payload: body });
  const list = async (token: string, sessionId: number) =>
    (await t.app.inject({ url: `/api/sessions/${sessionId}/questions`, headers: auth(token) })).json() as Question[];

  it('needs the moderator\'s own words to reject for "other", and shows them to the asker only', async () => {
    const s = await createSession(t, 'live', { moderation: 'pre' });
    const asker = await joinSession(t, s.code);
    const other = await joinSession(t, s.code);
    const q = (await submit(asker.token, s.id, { text: 'Xin hỏi về lịch cắt điện tuần sau ở thôn Đồng Mới' })).json() as Question;
    const bare = await moderate(mod.token, q.id, { action: 'reject', reason: 'other' });
    expect(errorCode(bare)).toBe('INVALID_PAYLOAD');
    expect((await list(mod.token, s.id)).find((x) => x.id === q.id)!.status).toBe('pending');
    const words = 'Điện lực huyện sẽ thông báo lịch cắt điện tại nhà văn hóa thôn';
    const res = await moderate(mod.token, q.id, { action: 'reject', reason: 'other', reasonNote: `  ${words}\u200b ` });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as Question).rejectNote).toBe(words);
    expect((await list(asker.token, s.id)).find((x) => x.id === q.id)).toMatchObject({ status: 'rejected', rejectReason: 'other', rejectNote: words });
    expect(JSON.stringify(await list(other.token, s.id))).not.toContain(words);
    // Approving it after all clears the words; a reason other than "other" keeps none.
    await moderate(mod.token, q.id, { action: 'approve' });
    const again = await moderate(mod.token, q.id, { action: 'reject', reason: 'off_topic', reasonNote: 'bỏ qua' });
    expect((again.json() as Question).rejectNote).toBeNull();
  });

  it('shows a pending question only to staff and its author, without anyone\'s contact', async () => {
    const s = await createSession(t, 'live', { moderation: 'pre' });
    const author = await joinSession(t, s.code, { displayName: 'Hà Giang', contact: '0987654321' });
    const other = await joinSession(t, s.code);
    const q = (await submit(author.token, s.id, { text: 'Câu hỏi chờ duyệt' })).json() as Question;
    expect(q.status).toBe('pending');
    expect((await list(other.token, s.id)).map((x) => x.id)).not.toContain(q.id);
    expect((await list(author.token, s.id)).find((x) => x.id === q.id)).toMatchObject({ mine: true, status: 'pending' });
    const staffView = (await list(mod.token, s.id)).find((x) => x.id === q.id)!;
    expect(staffView.authorName).toBe('Hà Giang');
    for (const token of [mod.token, author.token, other.token]) {
      const body = (await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(token) })).body;
      expect(body).not.toContain('0987654321');
    }
    // Voting on a question one cannot see looks like it does not exist.
    const v = await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/vote`, headers: auth(other.token) });
    expect(v.statusCode).toBe(404);
  });

  it('hides an anonymous author from the public but not from staff', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const author = await joinSession(t, s.code, { displayName: 'Vàng A Dơ', locality: 'Xã Pà Vầy Sủ', group: 'farmer' });
    const other = await joinSession(t, s.code);
    const q = (await submit(author.token, s.id, { text: 'Hỏi ẩn danh', anonymous: true })).json() as Question;
    const pub = (await list(other.token, s.id)).find((x) => x.id === q.id)!;
    expect(pub).toMatchObject({ anonymous: true, authorName: null, locality: null, group: null });
    expect(JSON.stringify(pub)).not.toContain('Vàng A Dơ');
    const staff = (await list(mod.token, s.id)).find((x) => x.id === q.id)!;
    expect(staff.authorName).toBe('Vàng A Dơ');
    const noAnon = await createSession(t, 'live', { moderation: 'post', anonymousAllowed: false });
    const p = await joinSession(t, noAnon.code);
    const refused = await submit(p.token, noAnon.id, { text: 'Ẩn danh?', anonymous: true });
    expect(refused.statusCode).toBe(400);
    expect(errorCode(refused)).toBe('ANONYMOUS_NOT_ALLOWED');
  });

  it('enforces the length limit, refuses empty text, and changes nothing when it refuses', async () => {
    const s = await createSession(t, 'live', { moderation: 'post', maxQuestionLength: 50 });
    const p = await joinSession(t, s.code);
    const fifty = 'ệ'.repeat(50); // 50 characters a person sees, more bytes
    expect((await submit(p.token, s.id, { text: fifty })).statusCode).toBe(200);
    const long = await submit(p.token, s.id, { text: fifty + 'a' });
    expect(long.statusCode).toBe(400);
    expect(errorCode(long)).toBe('QUESTION_TOO_LONG');
    for (const text of ['', '   \n\t ']) {
      const r = await submit(p.token, s.id, { text });
      expect(r.statusCode).toBe(400);
      expect(errorCode(r)).toBe('QUESTION_EMPTY');
    }
    for (const body of [{ text: 42 }, { text: 'ok', anonymous: 'yes' }, { text: 'ok', clientId: 'has spaces' }, { text: 'ok', extra: 1 }, {}]) {
      const r = await submit(p.token, s.id, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorCode(r)).toBe('INVALID_PAYLOAD');
    }
    expect(await dbRow(t, 'select count(*) n from questions where session_id = ?', s.id)).toEqual({ n: 1 });
  });

  it('takes questions while open or live, and refuses them when paused or closed', async () => {
    const s = await createSession(t, 'open', { moderation: 'post' });
    const p = await joinSession(t, s.code);
    const early = await submit(p.token, s.id, { text: 'Gửi trước hội nghị' });
    expect(early.statusCode).toBe(200);
    await setStatus(t, s.id, 'live');
    await setStatus(t, s.id, 'paused');
    const paused = await submit(p.token, s.id, { text: 'Lúc tạm dừng' });
    expect(paused.statusCode).toBe(409);
    expect(errorCode(paused)).toBe('SESSION_NOT_ACCEPTING');
    await setStatus(t, s.id, 'closed');
    const closed = await submit(p.token, s.id, { text: 'Sau khi kết thúc' });
    expect(errorCode(closed)).toBe('SESSION_CLOSED');
    const q = early.json() as Question;
    const vote = await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/vote`, headers: auth(p.token) });
    expect(errorCode(vote)).toBe('SESSION_CLOSED');
    const stage = await moderate(mod.token, q.id, { action: 'stage' });
    expect(stage.statusCode).toBe(409);
    expect(errorCode(stage)).toBe('SESSION_CLOSED');
    // Answers and follow-up go on after the close.
    const defer = await moderate(mod.token, q.id, { action: 'defer', agency: 'Sở Xây dựng', deadline: '2027-01-31' });
    expect(defer.statusCode).toBe(200);
    const written = await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/answers`, headers: auth(sec.token), payload: { kind: 'written', text: 'Trả lời bằng văn bản' } });
    expect(written.statusCode).toBe(200);
    const fu = (await dbRow(t, 'select agency, deadline, status, answer_id from follow_ups where question_id = ?', q.id)) as Record<string, unknown>;
    expect(fu).toMatchObject({ agency: 'Sở Xây dựng', deadline: '2027-01-31', status: 'assigned' });
    expect(fu.answer_id).toBeTruthy();
    // Unpublished written answers stay with the staff.
    expect((await list(p.token, s.id)).find((x) => x.id === q.id)!.answers).toEqual([]);
    expect((await list(sec.token, s.id)).find((x) => x.id === q.id)!.answers).toHaveLength(1);
  });

  it('walks the moderation state machine and refuses illegal moves with 409', async () => {
    const s = await createSession(t, 'live', { moderation: 'pre' });
    const p = await joinSession(t, s.code);
    const q = (await submit(p.token, s.id, { text: 'Câu hỏi về học phí' })).json() as Question;
    expect(errorCode(await moderate(mod.token, q.id, { action: 'stage' }))).toBe('ILLEGAL_QUESTION_STATE');
    expect(errorCode(await moderate(mod.token, q.id, { action: 'reject' }))).toBe('INVALID_PAYLOAD');
    const rejected = await moderate(mod.token, q.id, { action: 'reject', reason: 'off_topic' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectReason: 'off_topic' });
    const approved = await moderate(mod.token, q.id, { action: 'approve' });
    expect(approved.json()).toMatchObject({ status: 'approved', rejectReason: null });
    const edited = (await moderate(mod.token, q.id, { action: 'edit', text: 'Câu hỏi về học phí năm học 2026–2027' })).json() as Question;
    expect(edited).toMatchObject({ text: 'Câu hỏi về học phí năm học 2026–2027', originalText: 'Câu hỏi về học phí' });
    const edited2 = (await moderate(mod.token, q.id, { action: 'edit', text: 'Lần sửa thứ hai' })).json() as Question;
    expect(edited2.originalText).toBe('Câu hỏi về học phí');
    expect((await moderate(mod.token, q.id, { action: 'tag', topic: 'Giáo dục' })).json().topic).toBe('Giáo dục');
    expect((await moderate(mod.token, q.id, { action: 'assign', assignee: 'Giám đốc Sở GD&ĐT', agency: 'Sở Giáo dục và Đào tạo' })).json()).toMatchObject({ assignee: 'Giám đốc Sở GD&ĐT', agency: 'Sở Giáo dục và Đào tạo' });
    expect((await moderate(mod.token, q.id, { action: 'note', note: 'Đã có văn bản 123/UBND' })).json().briefingNote).toBe('Đã có văn bản 123/UBND');
    expect((await moderate(mod.token, q.id, { action: 'pin' })).json().pinned).toBe(true);

    // One question on stage at a time: staging another sends the first back.
    const q2 = (await submit(p.token, s.id, { text: 'Câu hỏi thứ hai' })).json() as Question;
    await moderate(mod.token, q2.id, { action: 'approve' });
    expect((await moderate(mod.token, q.id, { action: 'stage' })).json().status).toBe('on_stage');
    expect((await moderate(mod.token, q2.id, { action: 'stage' })).json().status).toBe('on_stage');
    const rows = await dbRows(t, 'select id, status from questions where session_id = ? order by id', s.id);
    expect(rows).toEqual([{ id: q.id, status: 'approved' }, { id: q2.id, status: 'on_stage' }]);
    expect(await dbRow(t, 'select stage_question_id s from sessions where id = ?', s.id)).toEqual({ s: q2.id });
    // A leader marks what they answered, and can do nothing else.
    expect((await moderate(leader.token, q2.id, { action: 'approve' })).statusCode).toBe(403);
    expect((await moderate(leader.token, q2.id, { action: 'answered' })).json().status).toBe('answered');
    expect(await dbRow(t, 'select stage_question_id s from sessions where id = ?', s.id)).toEqual({ s: null });
    expect(errorCode(await moderate(mod.token, q2.id, { action: 'approve' }))).toBe('ILLEGAL_QUESTION_STATE');
    const auditCount = (await dbRow(t, "select count(*) n from audit_log where entity = 'question' and entity_id = ?", q.id)) as { n: number };
    expect(auditCount.n).toBeGreaterThanOrEqual(9);
  });

  it('tells a moderator acting on a stale view', async () => {
    const s = await createSession(t, 'live', { moderation: 'pre' });
    const p = await joinSession(t, s.code);
    const q = (await submit(p.token, s.id, { text: 'Ai xử lý trước?' })).json() as Question;
    const seenAt = (await list(mod.token, s.id)).find((x) => x.id === q.id)!.updatedAt;
    await new Promise((r) => setTimeout(r, 5));
    expect((await moderate(mod.token, q.id, { action: 'approve', expectedUpdatedAt: seenAt })).statusCode).toBe(200);
    const stale = await moderate(mod.token, q.id, { action: 'reject', reason: 'duplicate', expectedUpdatedAt: seenAt });
    expect(stale.statusCode).toBe(409);
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(await dbRow(t, 'select status from questions where id = ?', q.id)).toEqual({ status: 'approved' });
  });

  it('flags likely abuse and duplicates for moderators without rejecting', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, s.code);
    const first = (await submit(p.token, s.id, { text: 'Bao giờ xã Hồng Thái có nước sạch sinh hoạt?' })).json() as Question;
    const dup = (await submit(p.token, s.id, { text: 'bao gio xa hong thai co nuoc sach sinh hoat vay a' })).json() as Question;
    const rude = (await submit(p.token, s.id, { text: 'Lãnh đạo ĐỒ NGU thế à' })).json() as Question;
    const fine = (await submit(p.token, s.id, { text: 'Các lớp học lớn có đủ giáo viên không?' })).json() as Question;
    const staff = await list(mod.token, s.id);
    const by = (id: number) => staff.find((x) => x.id === id)!;
    expect(by(dup.id).flags!.duplicateOf).toEqual([first.id]);
    expect(by(rude.id).flags!.abusive).toBe(true);
    // Flagged in post-moderation: held for a moderator, not rejected.
    expect(by(rude.id).status).toBe('pending');
    expect(by(fine.id).flags).toEqual({ abusive: false, duplicateOf: [] });
    expect(by(fine.id).status).toBe('approved');
  });

  it('lets the author withdraw, and only the author', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const a = await joinSession(t, s.code);
    const b = await joinSession(t, s.code);
    const q = (await submit(a.token, s.id, { text: 'Tôi rút câu hỏi này' })).json() as Question;
    expect((await t.app.inject({ method: 'DELETE', url: `/api/questions/${q.id}`, headers: auth(b.token) })).statusCode).toBe(403);
    const w = await t.app.inject({ method: 'DELETE', url: `/api/questions/${q.id}`, headers: auth(a.token) });
    expect(w.json().status).toBe('withdrawn');
    expect((await list(b.token, s.id)).map((x) => x.id)).not.toContain(q.id);
  });

  it('limits a participant\'s question rate without touching others', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const spammer = await joinSession(t, s.code);
    const calm = await joinSession(t, s.code);
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await submit(spammer.token, s.id, { text: `Câu hỏi số ${i}` })).statusCode);
    expect(codes).toContain(429);
    const limited = await submit(spammer.token, s.id, { text: 'Thêm nữa' });
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect((await submit(calm.token, s.id, { text: 'Tôi hỏi bình thường' })).statusCode).toBe(200);
  });

  it('checks who may do what, and in which session', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const other = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, s.code);
    const stranger = await joinSession(t, other.code);
    const q = (await submit(p.token, s.id, { text: 'Câu hỏi phân quyền' })).json() as Question;
    const cases: [string, Awaited<ReturnType<typeof t.app.inject>>, number][] = [
      ['participant moderates', await moderate(p.token, q.id, { action: 'pin' }), 403],
      ['participant answers', await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/answers`, headers: auth(p.token), payload: { kind: 'live', text: 'x' } }), 403],
      ['stranger lists', await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(stranger.token) }), 403],
      ['stranger submits', await submit(stranger.token, s.id, { text: 'x' }), 403],
      ['stranger votes', await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/vote`, headers: auth(stranger.token) }), 403],
      ['staff votes', await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/vote`, headers: auth(mod.token) }), 403],
      ['staff submits', await submit(mod.token, s.id, { text: 'x' }), 403],
      ['leader moderates', await moderate(leader.token, q.id, { action: 'pin' }), 403],
      ['moderator answers', await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/answers`, headers: auth(mod.token), payload: { kind: 'live', text: 'x' } }), 403],
      ['moderator creates users', await t.app.inject({ method: 'POST', url: '/api/users', headers: auth(mod.token), payload: { username: 'zz9', password: 'long-enough-pw', displayName: 'Z', role: 'admin' } }), 403],
      ['anonymous lists', await t.app.inject({ url: `/api/sessions/${s.id}/questions` }), 401],
      ['moderator reads contact', await t.app.inject({ url: `/api/participants/${p.participantId}/contact`, headers: auth(mod.token) }), 403],
      ['secretary reads contact', await t.app.inject({ url: `/api/participants/${p.participantId}/contact`, headers: auth(sec.token) }), 200],
    ];
    for (const [what, res, status] of cases) expect(res.statusCode, what).toBe(status);
    const audited = await dbRow(t, "select count(*) n from audit_log where action = 'participant.contact.view' and entity_id = ?", p.participantId);
    expect(audited).toEqual({ n: 1 });
    // 0 on SQLite, false on PostgreSQL.
    expect(Boolean((await dbRow<{ pinned: unknown }>(t, 'select pinned from questions where id = ?', q.id))!.pinned)).toBe(false);
  });
});
