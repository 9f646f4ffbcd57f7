import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, createTestApp, dbRow, dbRows, joinSession, type TestApp } from '../helpers/app';
import { ask, collect, eventually, openSocket, sleep, type ClientSocket } from '../helpers/sockets';

describe('a live session over Socket.IO', () => {
  let t: TestApp;
  const sockets: ClientSocket[] = [];
  const open = async (token: string | undefined, extra = {}) => {
    const s = await openSocket(t.url, token, extra);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
  });

  it('runs submit → moderate → vote → tally → stage → answer end to end', async () => {
    const session = await createSession(t, 'live', { moderation: 'pre', panel: [{ name: 'Ông Nguyễn Văn An', title: 'Chủ tịch UBND tỉnh' }] });
    const mod = await createStaff(t, 'moderator');
    const sec = await createStaff(t, 'secretary');
    const alice = await joinSession(t, session.code, { displayName: 'Nguyễn Thị Lan', locality: 'Phường Minh Xuân', group: 'youth', contact: 'lan@example.vn' });
    const bob = await joinSession(t, session.code, { displayName: 'Trần Văn Bình' });
    const carol = await joinSession(t, session.code);

    const modSock = await open(mod.token);
    const aliceSock = await open(alice.token);
    const bobSock = await open(bob.token);
    const carolSock = await open(carol.token);

    const modSnap = await ask(modSock, 'session:join', { sessionId: session.id });
    expect(modSnap.ok).toBe(true);
    const modCreated = collect(modSock, 'question:created');
    const modUpdated = collect(modSock, 'question:updated');
    const bobCreated = collect(bobSock, 'question:created');
    const bobUpdated = collect(bobSock, 'question:updated');
    const bobTallies = collect(bobSock, 'votes:tally');
    const bobStage = collect(bobSock, 'stage:changed');
    const aliceUpdated = collect(aliceSock, 'question:updated');

    // Submit: pending in pre-moderation; the moderator sees it, Bob does not.
    const text = 'Tỉnh có chính sách gì hỗ trợ thanh niên khởi nghiệp <b>nông nghiệp</b> công nghệ cao?';
    const submitted = await ask(aliceSock, 'question:submit', { sessionId: session.id, text, anonymous: false, clientId: 'c-1' });
    expect(submitted.ok).toBe(true);
    if (!submitted.ok) return;
    const q = submitted.data;
    expect(q).toMatchObject({ status: 'pending', text, mine: true, authorName: 'Nguyễn Thị Lan' });
    expect(q.trackingCode).toMatch(/^[A-Z2-9]{10}$/);
    await eventually(() => modCreated.find((e) => e.id === q.id), 2000, 'moderator sees the new question');
    const modView = modCreated.find((e) => e.id === q.id)!;
    expect(modView.status).toBe('pending');
    expect(modView.participantId).toBe(alice.participantId);
    expect(JSON.stringify(modView)).not.toContain('lan@example.vn');
    await sleep(200);
    expect(bobCreated.find((e) => e.id === q.id)).toBeUndefined();

    // Approve: everyone sees it; Bob's copy says nothing about Alice's tracking code.
    const approved = await ask(modSock, 'question:moderate', { questionId: q.id, action: 'approve' });
    expect(approved.ok && approved.data.status).toBe('approved');
    const bobView = await eventually(() => bobUpdated.find((e) => e.id === q.id && e.status === 'approved'), 2000, 'bob sees approval');
    expect(bobView.text).toBe(text);
    expect(bobView.trackingCode).toBeUndefined();
    expect(bobView.participantId).toBeUndefined();
    const aliceView = await eventually(() => aliceUpdated.find((e) => e.id === q.id && e.status === 'approved'), 2000, 'alice sees approval');
    expect(aliceView.trackingCode).toBe(q.trackingCode);
    expect(bobView.seq).toBe(aliceView.seq);

    // Votes from several participants, batched into a tally.
    const v1 = await ask(bobSock, 'question:vote', { questionId: q.id });
    const v2 = await ask(carolSock, 'question:vote', { questionId: q.id });
    const again = await ask(carolSock, 'question:vote', { questionId: q.id });
    expect(v1).toEqual({ ok: true, data: { questionId: q.id, votes: 1 } });
    expect(v2).toEqual({ ok: true, data: { questionId: q.id, votes: 2 } });
    expect(again).toEqual({ ok: true, data: { questionId: q.id, votes: 2 } });
    await eventually(() => bobTallies.find((tl) => tl.votes[q.id] === 2), 2000, 'tally with 2 votes');
    const un = await ask(bobSock, 'question:unvote', { questionId: q.id });
    expect(un).toEqual({ ok: true, data: { questionId: q.id, votes: 1 } });
    await eventually(() => bobTallies.at(-1)?.votes[q.id] === 1, 2000, 'tally back to 1');
    // Tallies are batched: far fewer messages than votes would be... and sequenced.
    const seqs = bobTallies.map((x) => x.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    // Stage.
    const staged = await ask(modSock, 'question:moderate', { questionId: q.id, action: 'stage' });
    expect(staged.ok && staged.data.status).toBe('on_stage');
    await eventually(() => bobStage.find((s) => s.questionId === q.id), 2000, 'stage:changed');

    // Answer (secretary, over HTTP) and mark answered.
    const ans = await t.app.inject({
      method: 'POST',
      url: `/api/questions/${q.id}/answers`,
      headers: auth(sec.token),
      payload: {
        kind: 'live',
        text: 'Tỉnh hỗ trợ vay vốn ưu đãi đến 500 triệu đồng.',
        panelSeatId: session.panel[0]!.id,
        commitments: [{ text: 'Ban hành hướng dẫn vay vốn', agency: 'Sở Tài chính', deadline: '2027-03-31' }],
      },
    });
    expect(ans.statusCode).toBe(200);
    const done = await ask(modSock, 'question:moderate', { questionId: q.id, action: 'answered' });
    expect(done.ok && done.data.status).toBe('answered');
    const final = await eventually(
      () => bobUpdated.find((e) => e.id === q.id && e.status === 'answered' && e.answers.length === 1),
      2000,
      'bob sees the answer',
    );
    expect(final.answers[0]).toMatchObject({ kind: 'live', text: 'Tỉnh hỗ trợ vay vốn ưu đãi đến 500 triệu đồng.', answeredBy: 'Ông Nguyễn Văn An, Chủ tịch UBND tỉnh' });
    expect(final.commitments[0]).toMatchObject({ agency: 'Sở Tài chính', deadline: '2027-03-31' });
    await eventually(() => bobStage.find((s) => s.questionId === null), 2000, 'stage cleared');
    const row = await dbRow(t, 'select status, votes from questions where id = ?', q.id);
    expect(row).toEqual({ status: 'answered', votes: 1 });
    void modUpdated;
  });

  it('makes one row for a retried submit, over socket and HTTP alike', async () => {
    const session = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, session.code);
    const sock = await open(p.token);
    const payload = { sessionId: session.id, text: 'Câu hỏi gửi lại', clientId: 'retry-123' };
    const [a, b] = await Promise.all([ask(sock, 'question:submit', payload), ask(sock, 'question:submit', payload)]);
    const c = await t.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/questions`, headers: auth(p.token), payload: { text: 'Câu hỏi gửi lại', clientId: 'retry-123' } });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(b.data.id).toBe(a.data.id);
    expect(c.json().id).toBe(a.data.id);
    const n = await dbRow(t, 'select count(*) n from questions where session_id = ?', session.id);
    expect(n).toEqual({ n: 1 });
  });

  it('counts each person once when merging duplicates', async () => {
    const session = await createSession(t, 'live', { moderation: 'post' });
    const mod = await createStaff(t, 'moderator');
    const ps = await Promise.all([0, 1, 2, 3].map(() => joinSession(t, session.code)));
    const submit = async (i: number, text: string) =>
      (await t.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/questions`, headers: auth(ps[i]!.token), payload: { text } })).json() as Question;
    const target = await submit(0, 'Khi nào sửa đường liên xã Tân Trào?');
    const source = await submit(1, 'Bao giờ đường liên xã Tân Trào được sửa chữa?');
    expect(source.status).toBe('approved');
    const vote = (i: number, id: number) => t.app.inject({ method: 'POST', url: `/api/questions/${id}/vote`, headers: auth(ps[i]!.token) });
    // p2 votes for both, p3 only the source, p1 only the target.
    await vote(2, target.id);
    await vote(2, source.id);
    await vote(3, source.id);
    await vote(1, target.id);
    const staffList = (await t.app.inject({ url: `/api/sessions/${session.id}/questions`, headers: auth(mod.token) })).json() as Question[];
    expect(staffList.find((q) => q.id === source.id)!.flags!.duplicateOf).toContain(target.id);
    const res = await t.app.inject({ method: 'POST', url: `/api/questions/${source.id}/moderate`, headers: auth(mod.token), payload: { action: 'merge', targetId: target.id } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'merged', mergedIntoId: target.id });
    const tgt = await dbRow(t, 'select votes from questions where id = ?', target.id);
    expect(tgt).toEqual({ votes: 3 }); // p1, p2, p3 — p2 once
    const distinct = await dbRow(t, 'select count(*) n from votes where question_id = ?', target.id);
    expect(distinct).toEqual({ n: 3 });
    // A merged question takes no more votes; merging into itself is refused.
    expect((await vote(0, source.id)).statusCode).toBe(404); // no longer public
    expect((await vote(1, source.id)).statusCode).toBe(409); // its author still sees it
    const self = await t.app.inject({ method: 'POST', url: `/api/questions/${target.id}/moderate`, headers: auth(mod.token), payload: { action: 'merge', targetId: target.id } });
    expect(self.json().error.code).toBe('MERGE_TARGET_INVALID');
  });

  it('returns text with HTML and Vietnamese diacritics exactly as sent', async () => {
    const session = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, session.code);
    const other = await joinSession(t, session.code);
    const otherSock = await open(other.token);
    const created = collect(otherSock, 'question:created');
    const sock = await open(p.token);
    const text = '<script>alert("xss")</script> Ừ, Đà Nẵng & Huế — “ngoặc kép” ạ? 😀';
    const res = await ask(sock, 'question:submit', { sessionId: session.id, text });
    expect(res.ok && res.data.text).toBe(text);
    const seen = await eventually(() => created[0], 2000, 'broadcast');
    expect(seen.text).toBe(text);
    const http = (await t.app.inject({ url: `/api/sessions/${session.id}/questions`, headers: auth(other.token) })).json() as Question[];
    expect(http[0]!.text).toBe(text);
  });

  it('gives a reconnecting client a snapshot that matches the database', async () => {
    const session = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, session.code);
    const q = p;
    const sock = await open(p.token);
    const s1 = await ask(sock, 'question:submit', { sessionId: session.id, text: 'Câu hỏi một' });
    await ask(sock, 'question:submit', { sessionId: session.id, text: 'Câu hỏi hai' });
    if (!s1.ok) throw new Error('submit failed');
    await ask(sock, 'question:vote', { questionId: s1.data.id });
    sock.close();
    const again = await open(q.token);
    const snap = await ask(again, 'session:join', { sessionId: session.id });
    expect(snap.ok).toBe(true);
    if (!snap.ok) return;
    const rows = await dbRows(t, 'select id, text, status, votes from questions where session_id = ? order by id', session.id);
    expect(snap.data.questions.map(({ id, text, status, votes }) => ({ id, text, status, votes }))).toEqual(rows);
    expect(snap.data.myVotes).toEqual([s1.data.id]);
    expect(snap.data.session.id).toBe(session.id);
    expect(typeof snap.data.seq).toBe('number');
  });
});
