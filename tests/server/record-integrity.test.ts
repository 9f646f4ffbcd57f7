import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import {
  assignStaff,
  auth,
  createSession,
  createStaff,
  createTestApp,
  dbRow,
  dbRun,
  errorCode,
  joinSession,
  login,
  setStatus,
  TEST_DB,
  type TestApp,
} from '../helpers/app';
import { ask, collect, eventually, openSocket, sleep, type ClientSocket } from '../helpers/sockets';
import { dumpStored } from '../helpers/dump';

/**
 * A record a provincial office can trust: staff act only where assigned, a
 * closed session stays as it was, anonymity holds for the panel and the
 * screen, tokens end when they should, and no tally announces a vote that a
 * rolled-back transaction took away.
 */
describe('a record that can be trusted', () => {
  let t: TestApp;
  const sockets: ClientSocket[] = [];
  const open = async (token: string | undefined) => {
    const s = await openSocket(t.url, token);
    sockets.push(s);
    return s;
  };
  const inject = (method: string, url: string, token?: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: token ? auth(token) : {}, ...(payload !== undefined && { payload: payload as object }) });
  const submit = async (sessionId: number, token: string, text: string, anonymous = false): Promise<Question> => {
    const r = await inject('POST', `/api/sessions/${sessionId}/questions`, token, { text, anonymous });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_QUESTIONS_PER_MINUTE: '0', RATE_LIMIT_VOTES_PER_MINUTE: '0', RATE_LIMIT_LOGIN_ATTEMPTS: '1000' });
    await t.listen();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
  });

  describe('staff assigned to sessions', () => {
    it('lists only the sessions a staff member is assigned to (a leader also where seated), and admins all', async () => {
      const mod = await createStaff(t, 'moderator', { assign: false });
      const leader = await createStaff(t, 'leader', { assign: false });
      const a = await createSession(t, 'live', { title: 'Phiên A' }, { assignAll: false });
      const b = await createSession(t, 'live', { title: 'Phiên B', panel: [{ name: 'Ông Lâm', userId: leader.user.id }] }, { assignAll: false });
      await assignStaff(t, a.id, [mod.user.id]);
      const ids = async (token: string) => ((await inject('GET', '/api/sessions', token)).json() as Session[]).map((s) => s.id);
      expect(await ids(mod.token)).toEqual([a.id]);
      expect(await ids(leader.token)).toEqual([b.id]);
      expect(await ids(t.adminToken)).toEqual(expect.arrayContaining([a.id, b.id]));
      const staff = await inject('GET', `/api/sessions/${a.id}/staff`, mod.token);
      expect(staff.json().staff.map((u: { id: number }) => u.id)).toEqual([mod.user.id]);
      expect(errorCode(await inject('GET', `/api/sessions/${b.id}/staff`, mod.token))).toBe('NOT_ASSIGNED');
      // Only admins assign; unknown users are refused and nothing changes.
      expect(errorCode(await inject('PUT', `/api/sessions/${a.id}/staff`, mod.token, { userIds: [] }))).toBe('FORBIDDEN');
      const before = await dumpStored(t);
      expect(errorCode(await inject('PUT', `/api/sessions/${a.id}/staff`, t.adminToken, { userIds: [mod.user.id, 99999] }))).toBe('USER_NOT_FOUND');
      expect(await dumpStored(t)).toEqual(before);

      // The follow-up list is scoped the same way: a deferred question of each session,
      // the moderator sees A's only and is refused B's by name.
      const deferOne = async (sessionId: number, code: string) => {
        const p = await joinSession(t, code);
        const q = await submit(sessionId, p.token, `Câu hỏi chuyển văn bản của phiên ${sessionId}`);
        const r = await inject('POST', `/api/questions/${q.id}/moderate`, t.adminToken, { action: 'defer', agency: 'Sở Xây dựng', deadline: '2027-02-01' });
        expect(r.statusCode, r.body).toBe(200);
        return q.id;
      };
      const qa = await deferOne(a.id, a.code);
      const qb = await deferOne(b.id, b.code);
      const followUps = async (token: string, query = '') =>
        ((await inject('GET', `/api/followups${query}`, token)).json() as { questionId: number }[]).map((f) => f.questionId);
      expect(await followUps(mod.token)).toEqual([qa]);
      expect(await followUps(leader.token)).toEqual([qb]);
      expect(await followUps(t.adminToken)).toEqual(expect.arrayContaining([qa, qb]));
      expect(errorCode(await inject('GET', `/api/followups?sessionId=${b.id}`, mod.token))).toBe('NOT_ASSIGNED');
    });

    it('takes a moderator off a session at once: its socket stops hearing it and its actions are refused', async () => {
      const mod = await createStaff(t, 'moderator', { assign: false });
      const s = await createSession(t, 'live', { moderation: 'post' }, { assignAll: false });
      await assignStaff(t, s.id, [mod.user.id]);
      const p = await joinSession(t, s.code);
      const sock = await open(mod.token);
      const joined = await ask(sock, 'session:join', { sessionId: s.id });
      expect(joined.ok).toBe(true);
      const heard = collect(sock, 'question:created');
      await submit(s.id, p.token, 'Câu hỏi thứ nhất');
      await eventually(() => heard.length === 1, 2000, 'assigned moderator hears the question');
      const res = await inject('PUT', `/api/sessions/${s.id}/staff`, t.adminToken, { userIds: [] });
      expect(res.statusCode).toBe(200);
      const q2 = await submit(s.id, p.token, 'Câu hỏi thứ hai');
      await sleep(400);
      expect(heard).toHaveLength(1);
      const act = await ask(sock, 'question:moderate', { questionId: q2.id, action: 'pin' });
      expect(!act.ok && act.error.code).toBe('NOT_ASSIGNED');
      const rejoin = await ask(sock, 'session:join', { sessionId: s.id });
      expect(!rejoin.ok && rejoin.error.code).toBe('NOT_ASSIGNED');
    });
  });

  describe('the frozen record', () => {
    let s: Session;
    let mod: { token: string };
    let sec: { token: string };
    let leader: { token: string };
    let participant: string;
    const q = {} as Record<'approved' | 'pending' | 'staged' | 'other', Question>;

    beforeAll(async () => {
      mod = await createStaff(t, 'moderator');
      sec = await createStaff(t, 'secretary');
      leader = await createStaff(t, 'leader');
      s = await createSession(t, 'live', { moderation: 'pre', panel: [{ name: 'Bà Hà Thị Nga', title: 'Chủ tịch UBND xã' }] });
      participant = (await joinSession(t, s.code)).token;
      q.approved = await submit(s.id, participant, 'Khi nào xã có chợ mới?');
      q.pending = await submit(s.id, participant, 'Giá phân bón năm nay thế nào?');
      q.staged = await submit(s.id, participant, 'Đường vào thôn Đồng Tâm bao giờ làm?');
      q.other = await submit(s.id, participant, 'Trường mầm non có thêm lớp không?');
      for (const x of [q.approved, q.staged, q.other]) await inject('POST', `/api/questions/${x.id}/moderate`, mod.token, { action: 'approve' });
      await inject('POST', `/api/questions/${q.staged.id}/moderate`, mod.token, { action: 'stage' });
      await setStatus(t, s.id, 'closed');
    });

    const moderate = (token: string, id: number, body: Record<string, unknown>) => inject('POST', `/api/questions/${id}/moderate`, token, body);

    it('refuses every action that would rewrite a closed session with 409 SESSION_CLOSED, changing nothing', async () => {
      const before = await dumpStored(t);
      const refused: [string, () => ReturnType<typeof inject>][] = [
        ['submit', () => inject('POST', `/api/sessions/${s.id}/questions`, participant, { text: 'Câu hỏi muộn' })],
        ['vote', () => inject('POST', `/api/questions/${q.approved.id}/vote`, participant)],
        ['unvote', () => inject('DELETE', `/api/questions/${q.approved.id}/vote`, participant)],
        ['withdraw', () => inject('DELETE', `/api/questions/${q.approved.id}`, participant)],
        ['approve', () => moderate(mod.token, q.pending.id, { action: 'approve' })],
        ['reject', () => moderate(mod.token, q.approved.id, { action: 'reject', reason: 'off_topic' })],
        ['edit', () => moderate(mod.token, q.approved.id, { action: 'edit', text: 'Viết lại sau khi đóng' })],
        ['merge', () => moderate(mod.token, q.pending.id, { action: 'merge', targetId: q.approved.id })],
        ['stage', () => moderate(mod.token, q.approved.id, { action: 'stage' })],
        ['pin', () => moderate(mod.token, q.approved.id, { action: 'pin' })],
        ['note', () => moderate(mod.token, q.approved.id, { action: 'note', note: 'ghi chú' })],
      ];
      for (const [what, call] of refused) {
        const res = await call();
        expect([res.statusCode, errorCode(res)], what).toEqual([409, 'SESSION_CLOSED']);
      }
      expect(await dumpStored(t)).toEqual(before);
      // Over Socket.IO too.
      const sock = await open(mod.token);
      const viaSocket = await ask(sock, 'question:moderate', { questionId: q.pending.id, action: 'approve' });
      expect(!viaSocket.ok && viaSocket.error.code).toBe('SESSION_CLOSED');
      const reject = await ask(sock, 'question:moderate', { questionId: q.approved.id, action: 'reject', reason: 'other' });
      expect(!reject.ok && reject.error.code).toBe('SESSION_CLOSED');
      const pSock = await open(participant);
      const vote = await ask(pSock, 'question:vote', { questionId: q.approved.id });
      expect(!vote.ok && vote.error.code).toBe('SESSION_CLOSED');
      const unvote = await ask(pSock, 'question:unvote', { questionId: q.approved.id });
      expect(!unvote.ok && unvote.error.code).toBe('SESSION_CLOSED');
      const late = await ask(pSock, 'question:submit', { sessionId: s.id, text: 'Câu hỏi muộn qua điện thoại', clientId: 'late-1' });
      expect(!late.ok && late.error.code).toBe('SESSION_CLOSED');
      const withdraw = await ask(pSock, 'question:withdraw', { questionId: q.pending.id });
      expect(!withdraw.ok && withdraw.error.code).toBe('SESSION_CLOSED');
      expect(await dumpStored(t)).toEqual(before);
    });

    it('keeps taking answers, commitments and deferral to written follow-up once closed', async () => {
      const ans = await inject('POST', `/api/questions/${q.approved.id}/answers`, sec.token, {
        kind: 'live',
        text: 'Chợ mới khởi công quý II.',
        panelSeatId: s.panel[0]!.id,
        commitments: [{ text: 'Khởi công chợ xã', agency: 'UBND xã', deadline: '2027-06-30' }],
      });
      expect(ans.statusCode, ans.body).toBe(200);
      const marked = await moderate(sec.token, q.approved.id, { action: 'answered' });
      expect(marked.statusCode, marked.body).toBe(200);
      // The secretariat defers to written follow-up itself.
      const deferred = await moderate(sec.token, q.other.id, { action: 'defer', agency: 'Phòng Giáo dục', deadline: '2027-01-31' });
      expect(deferred.statusCode, deferred.body).toBe(200);
      const commitmentId = (ans.json() as Question).commitments[0]!.id;
      expect((await inject('PATCH', `/api/commitments/${commitmentId}`, sec.token, { status: 'in_progress' })).statusCode).toBe(200);
      // Classifying goes on over Socket.IO too.
      const sock = await open(mod.token);
      const tagged = await ask(sock, 'question:moderate', { questionId: q.approved.id, action: 'tag', topic: 'Chợ' });
      expect(tagged.ok, JSON.stringify(tagged)).toBe(true);
    });

    it('once archived, takes only the written follow-up of deferred questions', async () => {
      await setStatus(t, s.id, 'archived');
      const before = await dumpStored(t);
      const refused = [
        await moderate(mod.token, q.approved.id, { action: 'tag', topic: 'Chợ' }),
        await moderate(sec.token, q.pending.id, { action: 'defer', agency: 'Phòng Kinh tế', deadline: '2027-01-31' }),
        await inject('POST', `/api/questions/${q.approved.id}/answers`, sec.token, { kind: 'live', text: 'Bổ sung', panelSeatId: s.panel[0]!.id }),
        await inject('PATCH', `/api/commitments/${(await inject('GET', `/api/sessions/${s.id}/questions`, sec.token)).json().find((x: Question) => x.id === q.approved.id).commitments[0].id}`, sec.token, { status: 'done' }),
        await inject('PUT', `/api/sessions/${s.id}/staff`, t.adminToken, { userIds: [] }),
      ];
      for (const r of refused) expect([r.statusCode, errorCode(r)]).toEqual([409, 'SESSION_ARCHIVED']);
      // What was already frozen at closing stays frozen: the desk is told the session is
      // archived, a participant's phone only that it is over.
      for (const r of [
        await moderate(mod.token, q.pending.id, { action: 'approve' }),
        await moderate(mod.token, q.approved.id, { action: 'edit', text: 'Viết lại sau khi lưu trữ' }),
      ]) {
        expect([r.statusCode, errorCode(r)]).toEqual([409, 'SESSION_ARCHIVED']);
      }
      const vote = await inject('POST', `/api/questions/${q.approved.id}/vote`, participant);
      expect([vote.statusCode, errorCode(vote)]).toEqual([409, 'SESSION_CLOSED']);
      expect(await dumpStored(t)).toEqual(before);
      const written = await inject('POST', `/api/questions/${q.other.id}/answers`, sec.token, { kind: 'written', text: 'Năm học tới mở thêm hai lớp.' });
      expect(written.statusCode, written.body).toBe(200);
      const fu = (await dbRow(t, 'select id from follow_ups where question_id = ?', q.other.id)) as { id: number };
      expect((await inject('POST', `/api/followups/${fu.id}/publish`, sec.token)).statusCode).toBe(200);
    });
  });

  describe('drafts stay drafts', () => {
    it('keeps a commitment made with an unpublished written answer off every participant and public surface, until it is published', async () => {
      const leader = await createStaff(t, 'leader');
      const sec = await createStaff(t, 'secretary');
      const mod = await createStaff(t, 'moderator');
      const s = await createSession(t, 'live', { moderation: 'post', panel: [{ name: 'Bà Triệu Thị Hằng', title: 'Chủ tịch UBND xã', userId: leader.user.id }] });
      const asker = await joinSession(t, s.code);
      const neighbour = await joinSession(t, s.code);
      const q = await submit(s.id, asker.token, 'Khi nào thôn Nà Đon có điện lưới?');
      expect((await inject('POST', `/api/questions/${q.id}/moderate`, sec.token, { action: 'defer', agency: 'Công ty Điện lực', deadline: '2027-02-28' })).statusCode).toBe(200);

      // Everyone who must not see the draft, on a socket in the session from before it is written.
      const listeners = {
        asker: await open(asker.token),
        neighbour: await open(neighbour.token),
        leader: await open(leader.token),
        display: await open(mod.token),
        desk: await open(sec.token),
      };
      for (const [who, sock] of Object.entries(listeners)) {
        const joined = await ask(sock, 'session:join', { sessionId: s.id, ...(who === 'display' && { as: 'display' as const }) });
        expect(joined.ok, who).toBe(true);
      }
      const heard = {
        asker: collect(listeners.asker, 'question:updated'),
        neighbour: collect(listeners.neighbour, 'question:updated'),
        leader: collect(listeners.leader, 'question:updated'),
        display: collect(listeners.display, 'question:updated'),
        desk: collect(listeners.desk, 'question:updated'),
      };

      const COMMITMENT = 'Kéo điện lưới về thôn Nà Đon';
      const recorded = await inject('POST', `/api/questions/${q.id}/answers`, sec.token, {
        kind: 'written',
        text: 'Công ty Điện lực sẽ đầu tư đường dây trung thế trong năm 2027.',
        commitments: [{ text: COMMITMENT, agency: 'Công ty Điện lực', deadline: '2027-12-31' }],
      });
      expect(recorded.statusCode, recorded.body).toBe(200);
      // The desk hears the draft with its commitment, and the asker hears that something changed:
      // the broadcasts went out, shaped per audience.
      await eventually(() => heard.desk.some((x) => x.id === q.id && x.commitments.some((c) => c.text === COMMITMENT)), 3000, 'the desk hears the draft');
      await eventually(() => heard.asker.some((x) => x.id === q.id), 3000, 'the asker hears the recording');
      await sleep(300);

      const snapshotOf = async (who: keyof typeof listeners) => {
        const snap = await ask(listeners[who], 'session:join', { sessionId: s.id, ...(who === 'display' && { as: 'display' as const }) });
        expect(snap.ok, who).toBe(true);
        return JSON.stringify(snap);
      };
      const listAs = async (token: string) => (await inject('GET', `/api/sessions/${s.id}/questions`, token)).body;
      const surfaces = async (): Promise<Record<string, string>> => ({
        'asker broadcasts': JSON.stringify(heard.asker),
        'neighbour broadcasts': JSON.stringify(heard.neighbour),
        'leader broadcasts': JSON.stringify(heard.leader),
        'display broadcasts': JSON.stringify(heard.display),
        'asker snapshot': await snapshotOf('asker'),
        'neighbour snapshot': await snapshotOf('neighbour'),
        'leader snapshot': await snapshotOf('leader'),
        'display snapshot': await snapshotOf('display'),
        'asker list': await listAs(asker.token),
        'neighbour list': await listAs(neighbour.token),
        'leader list': await listAs(leader.token),
        track: (await inject('GET', `/api/track/${q.trackingCode}`)).body,
      });
      for (const [where, body] of Object.entries(await surfaces())) expect(body, where).not.toContain(COMMITMENT);
      // The desk itself keeps the draft.
      expect(await snapshotOf('desk')).toContain(COMMITMENT);
      expect(await listAs(sec.token)).toContain(COMMITMENT);

      // Closed, the public record still does not have it.
      await setStatus(t, s.id, 'closed');
      const record = await inject('GET', `/api/public/sessions/${s.id}`);
      expect(record.statusCode).toBe(200);
      expect(record.body).not.toContain(COMMITMENT);

      // Published: the same surfaces now carry it (broadcasts included, to everyone in the session).
      const fu = (await dbRow(t, 'select id from follow_ups where question_id = ?', q.id)) as { id: number };
      expect((await inject('POST', `/api/followups/${fu.id}/publish`, sec.token)).statusCode).toBe(200);
      await eventually(
        () => (['asker', 'neighbour', 'leader', 'display'] as const).every((who) => heard[who].some((x) => x.id === q.id && x.commitments.some((c) => c.text === COMMITMENT))),
        3000,
        'everyone hears the published commitment',
      );
      for (const [where, body] of Object.entries(await surfaces())) expect(body, where).toContain(COMMITMENT);
      expect((await inject('GET', `/api/public/sessions/${s.id}`)).body).toContain(COMMITMENT);
    });
  });

  describe('anonymous means anonymous', () => {
    it('gives leaders and the big screen no name, locality or group of an anonymous asker, and the desk all it needs', async () => {
      const leader = await createStaff(t, 'leader');
      const mod = await createStaff(t, 'moderator');
      const s = await createSession(t, 'live', { moderation: 'post', panel: [{ name: 'Ông Phan Văn Khải', userId: leader.user.id }] });
      const alice = await joinSession(t, s.code, { displayName: 'Nguyễn Thị Ẩn', locality: 'Xã Bí Mật', group: 'farmer', contact: '0900 000 111' });
      const leaderSock = await open(leader.token);
      const displaySock = await open(mod.token);
      const modSock = await open(mod.token);
      const leaderSnap = await ask(leaderSock, 'session:join', { sessionId: s.id });
      const displaySnap = await ask(displaySock, 'session:join', { sessionId: s.id, as: 'display' });
      await ask(modSock, 'session:join', { sessionId: s.id });
      expect(leaderSnap.ok && displaySnap.ok).toBe(true);
      const heardByLeader = collect(leaderSock, 'question:created');
      const heardByDisplay = collect(displaySock, 'question:created');
      const heardByDesk = collect(modSock, 'question:created');
      const q = await submit(s.id, alice.token, 'Tôi muốn hỏi về đền bù đất nông nghiệp', true);
      await eventually(() => heardByLeader.length && heardByDisplay.length && heardByDesk.length, 3000, 'all three hear it');
      const leaderHttp = ((await inject('GET', `/api/sessions/${s.id}/questions`, leader.token)).json() as Question[]).find((x) => x.id === q.id)!;
      // And the snapshots a leader's tablet and the big screen take when they (re)connect.
      const snapped = async (sock: ClientSocket, as?: 'display'): Promise<Question> => {
        const joined = await ask(sock, 'session:join', { sessionId: s.id, ...(as && { as }) });
        if (!joined.ok) throw new Error(JSON.stringify(joined));
        return (joined.data as { questions: Question[] }).questions.find((x) => x.id === q.id)!;
      };
      const leaderSnapQ = await snapped(leaderSock);
      const displaySnapQ = await snapped(displaySock, 'display');
      expect(leaderSnapQ && displaySnapQ).toBeTruthy();
      for (const seen of [heardByLeader[0]!, heardByDisplay[0]!, leaderHttp, leaderSnapQ, displaySnapQ]) {
        expect(seen).toMatchObject({ anonymous: true, authorName: null, locality: null, group: null });
        const raw = JSON.stringify(seen);
        for (const secret of ['Nguyễn Thị Ẩn', 'Xã Bí Mật', 'farmer', '0900 000 111']) expect(raw).not.toContain(secret);
        expect(seen.participantId).toBeUndefined();
        expect(seen.trackingCode).toBeUndefined();
      }
      // The desk keeps what it needs for abuse and follow-up.
      expect(heardByDesk[0]).toMatchObject({ anonymous: true, authorName: 'Nguyễn Thị Ẩn', locality: 'Xã Bí Mật', participantId: alice.participantId });
      expect(JSON.stringify(heardByDesk[0])).not.toContain('0900 000 111');
      // The public record of a closed session names nobody.
      await setStatus(t, s.id, 'closed');
      const record = await inject('GET', `/api/public/sessions/${s.id}`);
      expect(record.body).not.toContain('Nguyễn Thị Ẩn');
      expect(record.body).not.toContain('Xã Bí Mật');
    });
  });

  describe('tokens that end', () => {
    const works = async (token: string) => (await inject('GET', '/api/me', token)).statusCode === 200;
    /** The socket opened with `token` is dropped, and the token opens no new one. */
    const endedOnSockets = async (sock: ClientSocket, token: string, what: string) => {
      await eventually(() => !sock.connected, 2000, `the socket is dropped after the ${what}`);
      await expect(openSocket(t.url, token), what).rejects.toThrow('TOKEN_EXPIRED');
    };

    it('ends old tokens on logout, on a password change, an admin reset and re-enabling, on HTTP and sockets', async () => {
      const sec = await createStaff(t, 'secretary');
      const username = sec.user.username;
      let password = `pw-${username}-secret`;
      // Logout ends every token of the user, this one and another device's.
      const other = await login(t.app, username, password);
      const sock = await open(other);
      expect(await works(sec.token)).toBe(true);
      expect((await inject('POST', '/api/auth/logout', sec.token)).statusCode).toBe(204);
      expect(await works(sec.token)).toBe(false);
      expect(errorCode(await inject('GET', '/api/me', other))).toBe('TOKEN_EXPIRED');
      await eventually(() => !sock.connected, 2000, 'the socket is dropped at logout');
      await expect(openSocket(t.url, other)).rejects.toThrow('TOKEN_EXPIRED');

      // Own password change: the current password is checked; older tokens stop.
      const t1 = await login(t.app, username, password);
      const s1 = await open(t1);
      expect(errorCode(await inject('PUT', '/api/me/password', t1, { currentPassword: 'not-it', newPassword: 'a-new-long-password' }))).toBe('WRONG_PASSWORD');
      expect(await works(t1)).toBe(true);
      expect((await inject('PUT', '/api/me/password', t1, { currentPassword: password, newPassword: 'a-new-long-password' })).statusCode).toBe(204);
      password = 'a-new-long-password';
      expect(await works(t1)).toBe(false);
      await endedOnSockets(s1, t1, 'password change');
      await expect(login(t.app, username, `pw-${username}-secret`)).rejects.toThrow('401');

      // An admin's reset.
      const t2 = await login(t.app, username, password);
      const s2 = await open(t2);
      expect((await inject('PATCH', `/api/users/${sec.user.id}`, t.adminToken, { password: 'reset-by-the-admin' })).statusCode).toBe(200);
      expect(await works(t2)).toBe(false);
      await endedOnSockets(s2, t2, 'admin reset');
      password = 'reset-by-the-admin';

      // Disabling, then re-enabling: a token from before stays dead.
      const t3 = await login(t.app, username, password);
      const s3 = await open(t3);
      expect((await inject('PATCH', `/api/users/${sec.user.id}`, t.adminToken, { disabled: true })).statusCode).toBe(200);
      expect((await inject('PATCH', `/api/users/${sec.user.id}`, t.adminToken, { disabled: false })).statusCode).toBe(200);
      expect(await works(t3)).toBe(false);
      await endedOnSockets(s3, t3, 're-enabling');
      expect(await works(await login(t.app, username, password))).toBe(true);
    });

    it('refuses a token without an expiry', async () => {
      const noExp = t.app.jwt.sign({ typ: 'staff', sub: '1', ver: 0 });
      expect(errorCode(await inject('GET', '/api/me', noExp))).toBe('TOKEN_INVALID');
    });
  });

  describe('the audit log', () => {
    it('is readable by admins, and by a secretary for the sessions assigned to them, with logins in it', async () => {
      const sec = await createStaff(t, 'secretary', { assign: false });
      const mod = await createStaff(t, 'moderator', { assign: false });
      const mine = await createSession(t, 'live', { moderation: 'post' }, { assignAll: false });
      const theirs = await createSession(t, 'live', { moderation: 'post' }, { assignAll: false });
      await assignStaff(t, mine.id, [sec.user.id, mod.user.id]);
      await assignStaff(t, theirs.id, [mod.user.id]);
      const p = await joinSession(t, mine.code);
      const q = await submit(mine.id, p.token, 'Câu hỏi để xem nhật ký');
      await inject('POST', `/api/questions/${q.id}/moderate`, mod.token, { action: 'tag', topic: 'Môi trường' });
      const pt = await joinSession(t, theirs.code);
      const q2 = await submit(theirs.id, pt.token, 'Câu hỏi của phiên khác');
      await inject('POST', `/api/questions/${q2.id}/moderate`, mod.token, { action: 'pin' });
      await inject('POST', '/api/auth/login', undefined, { username: mod.user.username, password: 'sai mật khẩu' });

      const page = await inject('GET', `/api/audit?sessionId=${mine.id}`, sec.token);
      expect(page.statusCode).toBe(200);
      const entries = page.json().entries as { action: string; actorName: string | null; sessionId: number; before: unknown; after: unknown }[];
      const tag = entries.find((e) => e.action === 'question.tag')!;
      expect(tag).toMatchObject({ actorName: mod.user.displayName, sessionId: mine.id });
      expect(tag.after).toMatchObject({ topic: 'Môi trường' });
      expect(tag.before).toMatchObject({ topic: null });
      // Staff changes read as names, not ids.
      const staffEntry = entries.find((e) => e.action === 'session.staff')!;
      expect(staffEntry.after).toMatchObject({
        staff: expect.arrayContaining([`${sec.user.displayName} (${sec.user.username})`, `${mod.user.displayName} (${mod.user.username})`]),
      });
      // Without a session filter a secretary reads only their sessions' entries.
      const all = (await inject('GET', '/api/audit?limit=200', sec.token)).json().entries as { sessionId: number | null }[];
      expect(all.length).toBeGreaterThan(0);
      expect(all.every((e) => e.sessionId === mine.id)).toBe(true);
      expect(errorCode(await inject('GET', `/api/audit?sessionId=${theirs.id}`, sec.token))).toBe('NOT_ASSIGNED');
      expect(errorCode(await inject('GET', '/api/audit', mod.token))).toBe('FORBIDDEN');
      // Admins see logins, good and bad (never the password).
      const logins = (await inject('GET', '/api/audit?entity=user&limit=200', t.adminToken)).json().entries as { action: string; after: { username?: string } }[];
      expect(logins.some((e) => e.action === 'auth.login.failed' && e.after.username === mod.user.username)).toBe(true);
      expect(logins.some((e) => e.action === 'auth.login.ok')).toBe(true);
      expect(JSON.stringify(logins)).not.toContain('sai mật khẩu');
      // Paging walks back without repeats.
      const p1 = (await inject('GET', '/api/audit?limit=3', t.adminToken)).json();
      const p2 = (await inject('GET', `/api/audit?limit=3&before=${p1.nextBefore}`, t.adminToken)).json();
      expect(p2.entries[0].id).toBeLessThan(p1.entries[2].id);
    });
  });

  describe('question numbers', () => {
    it('numbers questions 1, 2, 3… within each session, the same number for everyone', async () => {
      const a = await createSession(t, 'live', { moderation: 'post' });
      const b = await createSession(t, 'live', { moderation: 'post' });
      const pa = await joinSession(t, a.code);
      const pb = await joinSession(t, b.code);
      const sock = await open(pa.token);
      const results = await Promise.all([
        ask(sock, 'question:submit', { sessionId: a.id, text: 'Một', clientId: 'n1' }),
        ask(sock, 'question:submit', { sessionId: a.id, text: 'Hai', clientId: 'n2' }),
        ask(sock, 'question:submit', { sessionId: a.id, text: 'Ba', clientId: 'n3' }),
      ]);
      expect(results.map((r) => r.ok && r.data.number).sort()).toEqual([1, 2, 3]);
      expect((await submit(b.id, pb.token, 'Phiên khác')).number).toBe(1);
      const mod = await createStaff(t, 'moderator');
      const asDesk = (await inject('GET', `/api/sessions/${a.id}/questions`, mod.token)).json() as Question[];
      expect(asDesk.map((q) => q.number).sort()).toEqual([1, 2, 3]);
    });
  });

  describe('events after COMMIT', () => {
    it('never sends a tally for a vote whose batch rolled back, and answers the voter with the error', async () => {
      const s = await createSession(t, 'live', { moderation: 'post' });
      const author = await joinSession(t, s.code);
      const voter = await joinSession(t, s.code);
      const watcher = await joinSession(t, s.code);
      const q = await submit(s.id, author.token, 'Ai chịu trách nhiệm nạo vét kênh mương?');
      const voterSock = await open(voter.token);
      const watcherSock = await open(watcher.token);
      const tallies = collect(watcherSock, 'votes:tally');

      // Put an action into the vote's batch that makes its COMMIT fail: a foreign key
      // checked only at COMMIT (deferred) that points at nothing. SQLite defers its own
      // foreign keys for the transaction; PostgreSQL's are not deferrable, so there a
      // scratch table has one that is.
      const deferredFk =
        TEST_DB === 'pg'
          ? async () => {
              await dbRun(t, 'INSERT INTO commit_fails (participant_id) VALUES (?)', 999_999);
            }
          : async () => {
              await dbRun(t, 'PRAGMA defer_foreign_keys = ON');
              await dbRun(t, 'INSERT INTO votes (question_id, participant_id) VALUES (?, ?)', q.id, 999_999);
            };
      if (TEST_DB === 'pg') await dbRun(t, 'CREATE TABLE commit_fails (participant_id integer REFERENCES participants (id) DEFERRABLE INITIALLY DEFERRED)');
      let armed = true;
      let disarm: () => void;
      // Votes ride the group commit, or, where the questions service has one (PostgreSQL),
      // their own vote batch: the action goes into whichever carries this vote.
      type VoteBatch = { apply: (items: unknown[]) => Promise<unknown> };
      const voteBatch = (t.app.services.questions as unknown as { pgVotes?: VoteBatch | null }).pgVotes;
      if (voteBatch) {
        const apply = voteBatch.apply;
        voteBatch.apply = async function (this: VoteBatch, items: unknown[]) {
          const results = await apply.call(this, items);
          if (armed) {
            armed = false;
            await deferredFk();
          }
          return results;
        };
        disarm = () => (voteBatch.apply = apply);
      } else {
        type Batcher = { flush: () => void; queue: { run: () => unknown; done: () => void }[] };
        const gc = t.app.groupCommit as unknown as Batcher;
        const flush = gc.flush;
        gc.flush = function (this: Batcher) {
          if (armed && this.queue.length > 0) {
            armed = false;
            this.queue.push({
              run: deferredFk,
              done: () => undefined,
            });
          }
          return flush.call(this);
        };
        disarm = () => (gc.flush = flush);
      }
      let ack;
      try {
        ack = await ask(voterSock, 'question:vote', { questionId: q.id });
      } finally {
        disarm();
        if (TEST_DB === 'pg') await dbRun(t, 'DROP TABLE commit_fails');
      }
      expect(armed).toBe(false);
      expect(ack.ok).toBe(false);
      await sleep(500);
      expect(tallies).toEqual([]);
      expect(await dbRow(t, 'select votes from questions where id = ?', q.id)).toEqual({ votes: 0 });
      expect(await dbRow(t, 'select count(*) n from votes where question_id = ?', q.id)).toEqual({ n: 0 });

      // The next vote goes through, and only then is a tally sent.
      const again = await ask(voterSock, 'question:vote', { questionId: q.id });
      expect(again.ok && again.data.votes).toBe(1);
      const tally = await eventually(() => tallies.find((x) => x.votes[String(q.id)] === 1), 2000, 'a tally after the commit');
      expect(tally.votes[String(q.id)]).toBe(1);
    });

    it('takes HTTP votes through the same batched path', async () => {
      const s = await createSession(t, 'live', { moderation: 'post' });
      const author = await joinSession(t, s.code);
      const q = await submit(s.id, author.token, 'Giá điện sinh hoạt có giảm không?');
      const voters = await Promise.all(Array.from({ length: 20 }, () => joinSession(t, s.code)));
      // Votes ride the group commit (one flush a batch), or, where the questions service has
      // one (PostgreSQL), their own vote batch (one write a batch): count whichever carries them.
      const voteBatch = (t.app.services.questions as unknown as { pgVotes?: object | null }).pgVotes;
      const batcher = (voteBatch ?? t.app.groupCommit) as unknown as Record<string, (...args: unknown[]) => unknown>;
      const method = voteBatch ? 'write' : 'flush';
      const commits = batcher[method]!;
      let flushes = 0;
      batcher[method] = function (this: unknown, ...args: unknown[]) {
        flushes++;
        return commits.apply(this, args);
      };
      try {
        const results = await Promise.all(voters.map((v) => inject('POST', `/api/questions/${q.id}/vote`, v.token)));
        expect(results.every((r) => r.statusCode === 200)).toBe(true);
      } finally {
        batcher[method] = commits;
      }
      expect(await dbRow(t, 'select votes from questions where id = ?', q.id)).toEqual({ votes: 20 });
      // Twenty votes arriving together share batches (one COMMIT each), not twenty COMMITs.
      expect(flushes).toBeGreaterThan(0);
      expect(flushes).toBeLessThan(20);
    });
  });
});
