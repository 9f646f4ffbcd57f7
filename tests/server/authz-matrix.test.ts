import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, createTestApp, joinSession, setStatus, type TestApp } from '../helpers/app';
import { openSocket, type ClientSocket } from '../helpers/sockets';
import { dumpDb } from '../resilience/lib/db-dump';

/**
 * Who may do what, for every HTTP route and every socket event, written out
 * cell by cell (API.md and the route summaries are the source). "allow"
 * means the action happens (2xx / ack ok); "refuse" means 401/403 (ack
 * UNAUTHORIZED/FORBIDDEN/WRONG_SESSION, or no socket at all) and the stored
 * data is unchanged. A question of another session may also be refused as
 * 404 QUESTION_NOT_FOUND: not saying whether it exists is a refusal too.
 */
const REFUSAL = /^(UNAUTHORIZED|FORBIDDEN|WRONG_SESSION|QUESTION_NOT_FOUND)$/;
const ROLES = ['anonymous', 'participant', 'otherParticipant', 'moderator', 'leader', 'secretary', 'admin'] as const;
type Role = (typeof ROLES)[number];

const ANYONE: Role[] = [...ROLES];
const STAFF: Role[] = ['moderator', 'leader', 'secretary', 'admin'];
const ADMIN: Role[] = ['admin'];
const SECRETARIAT: Role[] = ['secretary', 'admin'];
const PARTICIPANT: Role[] = ['participant'];
const MEMBERS: Role[] = ['participant', ...STAFF];
const MODERATORS: Role[] = ['moderator', 'admin'];
const ANSWERERS: Role[] = ['secretary', 'leader', 'admin'];

interface Req {
  url: string;
  payload?: unknown;
}

describe('authorization matrix', () => {
  let t: TestApp;
  let live: Session;
  let closed: Session;
  let otherSession: Session;
  const tokens = {} as Record<Exclude<Role, 'anonymous'>, string>;
  let asker: { token: string; participantId: number };
  let closedQuestion: { id: number; trackingCode: string };
  let targetUserId = 0;
  let n = 0;
  const sockets: ClientSocket[] = [];

  const inject = (method: string, url: string, token?: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: token ? auth(token) : {}, ...(payload !== undefined && { payload: payload as object }) });

  /** A fresh approved question in the live session (post-moderation), by `author`. */
  const question = async (author = asker.token): Promise<number> => {
    const r = await inject('POST', `/api/sessions/${live.id}/questions`, author, { text: `Câu hỏi số ${++n} về trường học`, clientId: `m${n}` });
    if (r.statusCode !== 200) throw new Error(`fixture question: ${r.body}`);
    return r.json().id;
  };
  /** A fresh follow-up (deferred question) with a recorded written answer. */
  const followUp = async (): Promise<number> => {
    const qid = await question();
    await inject('POST', `/api/questions/${qid}/moderate`, t.adminToken, { action: 'defer', agency: 'Sở Giáo dục', deadline: '2027-01-15' });
    await inject('POST', `/api/questions/${qid}/answers`, t.adminToken, { text: 'Trả lời bằng văn bản', kind: 'written' });
    const row = t.db.$client.prepare('select id from follow_ups where question_id = ?').get(qid) as { id: number };
    return row.id;
  };

  /** A fresh commitment, made with a live answer. */
  const commitment = async (): Promise<number> => {
    const qid = await question();
    await inject('POST', `/api/questions/${qid}/answers`, t.adminToken, {
      text: 'Sẽ sửa đường trong quý I',
      kind: 'live',
      commitments: [{ text: 'Sửa đường liên thôn', agency: 'UBND xã', deadline: '2027-03-31' }],
    });
    return (t.db.$client.prepare('select id from commitments where question_id = ?').get(qid) as { id: number }).id;
  };

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_QUESTIONS_PER_MINUTE: '0', RATE_LIMIT_VOTES_PER_MINUTE: '0', RATE_LIMIT_LOGIN_ATTEMPTS: '1000' });
    await t.listen();
    live = await createSession(t, 'live', { moderation: 'post' });
    otherSession = await createSession(t, 'live', { moderation: 'post' });
    closed = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, live.code, { contact: '0912 345 678' });
    const o = await joinSession(t, otherSession.code);
    asker = await joinSession(t, live.code, { contact: 'asker@example.vn' });
    tokens.participant = p.token;
    tokens.otherParticipant = o.token;
    for (const role of ['moderator', 'leader', 'secretary'] as const) tokens[role] = (await createStaff(t, role)).token;
    tokens.admin = t.adminToken;
    targetUserId = (await createStaff(t, 'leader')).user.id;
    const cp = await joinSession(t, closed.code);
    const cq = await inject('POST', `/api/sessions/${closed.id}/questions`, cp.token, { text: 'Câu hỏi của phiên đã đóng' });
    closedQuestion = cq.json();
    await setStatus(t, closed.id, 'closed');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
  });

  // method, OpenAPI path, who may, how to build a valid request for a fresh target
  const http: [string, string, Role[], (role: Role) => Promise<Req>][] = [
    ['GET', '/api/health', ANYONE, async () => ({ url: '/api/health' })],
    ['POST', '/api/auth/login', ANYONE, async () => ({ url: '/api/auth/login', payload: { username: 'admin', password: 'admin-test-password' } })],
    ['GET', '/api/me', STAFF, async () => ({ url: '/api/me' })],
    ['POST', '/api/users', ADMIN, async () => ({ url: '/api/users', payload: { username: `user${++n}`, password: 'long-enough-password', displayName: 'Cán bộ mới', role: 'leader' } })],
    ['GET', '/api/users', ADMIN, async () => ({ url: '/api/users' })],
    ['PATCH', '/api/users/{id}', ADMIN, async () => ({ url: `/api/users/${targetUserId}`, payload: { title: `Phó Chủ tịch ${++n}` } })],
    ['POST', '/api/sessions', ADMIN, async () => ({ url: '/api/sessions', payload: { title: 'Phiên mới', audience: 'Nông dân', startsAt: '2027-01-01T01:00:00.000Z', moderation: 'pre' } })],
    ['GET', '/api/sessions', STAFF, async () => ({ url: '/api/sessions' })],
    // API.md lists staff; a participant of the session may read its own session too (it got it at join).
    ['GET', '/api/sessions/{id}', MEMBERS, async () => ({ url: `/api/sessions/${live.id}` })],
    ['PATCH', '/api/sessions/{id}', ADMIN, async () => ({ url: `/api/sessions/${live.id}`, payload: { place: `Hội trường ${++n}` } })],
    ['POST', '/api/join', ANYONE, async () => ({ url: '/api/join', payload: { code: live.code } })],
    ['GET', '/api/sessions/{id}/questions', MEMBERS, async () => ({ url: `/api/sessions/${live.id}/questions` })],
    ['POST', '/api/sessions/{id}/questions', PARTICIPANT, async () => ({ url: `/api/sessions/${live.id}/questions`, payload: { text: `Câu hỏi mới ${++n}` } })],
    // Withdrawing: the author only. The "participant" role is the author here.
    ['DELETE', '/api/questions/{id}', PARTICIPANT, async () => ({ url: `/api/questions/${await question(tokens.participant)}` })],
    ['POST', '/api/questions/{id}/vote', PARTICIPANT, async () => ({ url: `/api/questions/${await question()}/vote` })],
    ['DELETE', '/api/questions/{id}/vote', PARTICIPANT, async () => ({ url: `/api/questions/${await question()}/vote` })],
    ['POST', '/api/questions/{id}/moderate', MODERATORS, async () => ({ url: `/api/questions/${await question()}/moderate`, payload: { action: 'tag', topic: 'Giáo dục' } })],
    ['POST', '/api/questions/{id}/answers', ANSWERERS, async () => ({ url: `/api/questions/${await question()}/answers`, payload: { text: 'Tỉnh sẽ xây thêm phòng học', kind: 'live' } })],
    ['PATCH', '/api/commitments/{id}', SECRETARIAT, async () => ({ url: `/api/commitments/${await commitment()}`, payload: { status: 'in_progress' } })],
    ['GET', '/api/participants/{id}/contact', SECRETARIAT, async () => ({ url: `/api/participants/${asker.participantId}/contact` })],
    ['GET', '/api/sessions/{id}/minutes.docx', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/minutes.docx` })],
    ['GET', '/api/sessions/{id}/minutes.html', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/minutes.html` })],
    ['GET', '/api/sessions/{id}/conclusions.docx', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/conclusions.docx` })],
    ['GET', '/api/sessions/{id}/questions.csv', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/questions.csv` })],
    ['GET', '/api/sessions/{id}/questions.xlsx', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/questions.xlsx` })],
    ['GET', '/api/followups', STAFF, async () => ({ url: '/api/followups' })],
    ['GET', '/api/followups/{id}', STAFF, async () => ({ url: `/api/followups/${await followUp()}` })],
    ['PATCH', '/api/followups/{id}', SECRETARIAT, async () => ({ url: `/api/followups/${await followUp()}`, payload: { status: 'in_progress' } })],
    ['POST', '/api/followups/{id}/publish', SECRETARIAT, async () => ({ url: `/api/followups/${await followUp()}/publish` })],
    ['GET', '/api/track/{trackingCode}', ANYONE, async () => ({ url: `/api/track/${closedQuestion.trackingCode}` })],
    ['GET', '/api/public/sessions', ANYONE, async () => ({ url: '/api/public/sessions' })],
    ['GET', '/api/public/sessions/{id}', ANYONE, async () => ({ url: `/api/public/sessions/${closed.id}` })],
    ['GET', '/api/sessions/{id}/stats', STAFF, async () => ({ url: `/api/sessions/${live.id}/stats` })],
    ['POST', '/api/admin/backups', ADMIN, async () => ({ url: '/api/admin/backups' })],
    ['GET', '/api/admin/backups', ADMIN, async () => ({ url: '/api/admin/backups' })],
  ];

  it('has a row for every route in the OpenAPI document (a new route needs its row)', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(http.map(([m, p]) => `${m} ${p}`).sort());
  });

  it('allows and refuses every role on every HTTP route exactly as written', async () => {
    const wrong: string[] = [];
    let cells = 0;
    for (const [method, path, allowed, build] of http) {
      for (const role of ROLES) {
        const req = await build(role);
        const before = dumpDb(t.db.$client);
        const token = role === 'anonymous' ? undefined : tokens[role];
        const res = await inject(method, req.url, token, req.payload);
        cells++;
        const allow = allowed.includes(role);
        const code = res.statusCode >= 400 ? (res.json() as { error?: { code?: string } }).error?.code ?? '' : '';
        const ok = allow ? res.statusCode >= 200 && res.statusCode < 300 : [401, 403, 404].includes(res.statusCode) && REFUSAL.test(code);
        if (!ok) wrong.push(`${method} ${path} as ${role}: expected ${allow ? 'allow' : 'refuse'}, got ${res.statusCode} ${res.body.slice(0, 120)}`);
        if (!allow && ok) {
          // Refused means nothing happened (no row, no audit entry).
          if (JSON.stringify(dumpDb(t.db.$client)) !== JSON.stringify(before)) wrong.push(`${method} ${path} as ${role}: refused but data changed`);
        }
      }
    }
    console.log(`[authz] HTTP cells checked: ${cells} (${http.length} routes × ${ROLES.length} roles)`);
    expect(wrong).toEqual([]);
  });

  const events: [string, Role[], () => Promise<unknown>][] = [
    ['session:join', MEMBERS, async () => ({ sessionId: live.id })],
    ['session:leave', ['participant', 'otherParticipant', ...STAFF], async () => ({ sessionId: live.id })],
    ['question:submit', PARTICIPANT, async () => ({ sessionId: live.id, text: `Câu hỏi qua socket ${++n}` })],
    ['question:vote', PARTICIPANT, async () => ({ questionId: await question() })],
    ['question:unvote', PARTICIPANT, async () => ({ questionId: await question() })],
    ['question:withdraw', PARTICIPANT, async () => ({ questionId: await question(tokens.participant) })],
    ['question:moderate', MODERATORS, async () => ({ questionId: await question(), action: 'tag', topic: 'Y tế' })],
  ];

  it('allows and refuses every role on every socket event exactly as written', async () => {
    const socks = {} as Record<Exclude<Role, 'anonymous'>, ClientSocket>;
    for (const role of ROLES) {
      if (role === 'anonymous') continue;
      socks[role] = await openSocket(t.url, tokens[role]);
      sockets.push(socks[role]);
    }
    // Anonymous never gets a socket, so every event is refused for it.
    await expect(openSocket(t.url, undefined)).rejects.toThrow('UNAUTHORIZED');
    const wrong: string[] = [];
    let cells = 0;
    for (const [event, allowed, build] of events) {
      for (const role of ROLES) {
        cells++;
        if (role === 'anonymous') {
          if (allowed.includes(role)) wrong.push(`${event} as anonymous should be refused at the handshake`);
          continue;
        }
        const payload = await build();
        const before = dumpDb(t.db.$client);
        const s = socks[role].timeout(5000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<{ ok: boolean; error?: { code: string } }> };
        const ack = await s.emitWithAck(event, payload);
        const allow = allowed.includes(role);
        const ok = allow ? ack.ok : !ack.ok && REFUSAL.test(ack.error!.code);
        if (!ok) wrong.push(`${event} as ${role}: expected ${allow ? 'allow' : 'refuse'}, got ${JSON.stringify(ack).slice(0, 160)}`);
        if (!allow && JSON.stringify(dumpDb(t.db.$client)) !== JSON.stringify(before)) wrong.push(`${event} as ${role}: refused but data changed`);
      }
    }
    console.log(`[authz] socket cells checked: ${cells} (${events.length} events × ${ROLES.length} roles)`);
    expect(wrong).toEqual([]);
  });
});
