import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/schemas/entities';
import { assignStaff, auth, createSession, createStaff, createTestApp, dbRow, joinSession, setStatus, TEST_DB, type TestApp } from '../helpers/app';
import { openSocket, type ClientSocket } from '../helpers/sockets';
import { dumpStored } from '../helpers/dump';

/**
 * Who may do what, for every HTTP route and every socket event, written out
 * cell by cell (API.md and the route summaries are the source). "allow"
 * means the action happens (2xx / ack ok); "refuse" means 401/403 (ack
 * UNAUTHORIZED/FORBIDDEN/WRONG_SESSION, or no socket at all) and the stored
 * data is unchanged. A question of another session may also be refused as
 * 404 QUESTION_NOT_FOUND: not saying whether it exists is a refusal too.
 *
 * The `other*` roles are staff of another session (assigned there, not here):
 * everything of this session is 403 NOT_ASSIGNED for them; what is not tied
 * to one session (their own account, the session list, the follow-up list)
 * answers them with their own sessions only.
 */
const SMS_SECRET = 'authz-matrix-sms-secret';
const REFUSAL = /^(UNAUTHORIZED|FORBIDDEN|WRONG_SESSION|QUESTION_NOT_FOUND|NOT_ASSIGNED)$/;
const ROLES = [
  'anonymous',
  'participant',
  'otherParticipant',
  'moderator',
  'leader',
  'secretary',
  'admin',
  'otherModerator',
  'otherLeader',
  'otherSecretary',
] as const;
type Role = (typeof ROLES)[number];
const STAFF_ROLES = ['moderator', 'leader', 'secretary', 'admin', 'otherModerator', 'otherLeader', 'otherSecretary'] as const;
const ROLE_OF: Record<(typeof STAFF_ROLES)[number], 'moderator' | 'leader' | 'secretary' | 'admin'> = {
  moderator: 'moderator',
  leader: 'leader',
  secretary: 'secretary',
  admin: 'admin',
  otherModerator: 'moderator',
  otherLeader: 'leader',
  otherSecretary: 'secretary',
};

const ANYONE: Role[] = [...ROLES];
const STAFF: Role[] = ['moderator', 'leader', 'secretary', 'admin'];
/** Any staff account, assigned here or not (routes not tied to one session). */
const ANY_STAFF: Role[] = [...STAFF_ROLES];
const ADMIN: Role[] = ['admin'];
const SECRETARIAT: Role[] = ['secretary', 'admin'];
const PARTICIPANT: Role[] = ['participant'];
const MEMBERS: Role[] = ['participant', ...STAFF];
const MODERATORS: Role[] = ['moderator', 'admin'];
const ANSWERERS: Role[] = ['secretary', 'leader', 'admin'];

/**
 * A staff member of another session whose own role is allowed on this row: the
 * only thing between them and the action is the assignment.
 */
const outsider = (role: Role, allowed: Role[]): boolean =>
  (role === 'otherModerator' || role === 'otherLeader' || role === 'otherSecretary') && allowed.includes(ROLE_OF[role]);

interface Req {
  url: string;
  payload?: unknown;
  /** A throwaway token for routes that end the caller's tokens (logout, password change). */
  token?: string;
  headers?: Record<string, string>;
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

  const inject = (method: string, url: string, token?: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: method as 'GET', url, headers: { ...headers, ...(token ? auth(token) : {}) }, ...(payload !== undefined && { payload: payload as object }) });

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
    const row = (await dbRow(t, 'select id from follow_ups where question_id = ?', qid)) as { id: number };
    return row.id;
  };

  /** The opinion of a fresh approved question of the live session. */
  const opinion = async (): Promise<number> => {
    const qid = await question();
    return ((await dbRow(t, 'select id from opinions where question_id = ?', qid)) as { id: number }).id;
  };
  let unitId = 0;

  /** A fresh commitment, made with a live answer. */
  const commitment = async (): Promise<number> => {
    const qid = await question();
    await inject('POST', `/api/questions/${qid}/answers`, t.adminToken, {
      text: 'Sẽ sửa đường trong quý I',
      kind: 'live',
      panelSeatId: live.panel[0]!.id,
      commitments: [{ text: 'Sửa đường liên thôn', agency: 'UBND xã', deadline: '2027-03-31' }],
    });
    return ((await dbRow(t, 'select id from commitments where question_id = ?', qid)) as { id: number }).id;
  };

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_QUESTIONS_PER_MINUTE: '0',
      RATE_LIMIT_VOTES_PER_MINUTE: '0',
      RATE_LIMIT_LOGIN_ATTEMPTS: '1000',
      POST_MODERATION_PUBLISH_PER_MINUTE: '0',
      RATE_LIMIT_SMS_PER_MINUTE: '0',
      SMS_WEBHOOK_SECRET: SMS_SECRET,
    });
    await t.listen();
    live = await createSession(t, 'live', { moderation: 'post', panel: [{ name: 'Ông Nguyễn Văn An', title: 'Chủ tịch UBND xã' }] });
    otherSession = await createSession(t, 'live', { moderation: 'post' });
    closed = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, live.code, { contact: '0912 345 678' });
    const o = await joinSession(t, otherSession.code);
    asker = await joinSession(t, live.code, { contact: 'asker@example.vn' });
    tokens.participant = p.token;
    tokens.otherParticipant = o.token;
    for (const role of ['moderator', 'leader', 'secretary'] as const) tokens[role] = (await createStaff(t, role)).token;
    for (const role of ['otherModerator', 'otherLeader', 'otherSecretary'] as const) {
      const u = await createStaff(t, ROLE_OF[role], { assign: false });
      await assignStaff(t, otherSession.id, [u.user.id]);
      tokens[role] = u.token;
    }
    tokens.admin = t.adminToken;
    unitId = (await inject('GET', '/api/units', t.adminToken)).json()[0].id;
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

  /** A fresh account of the role's kind, for the routes that end its tokens. */
  const throwaway = async (role: Role): Promise<{ token?: string; password: string }> => {
    if (role === 'anonymous' || role === 'participant' || role === 'otherParticipant') return { password: 'not-a-staff-member' };
    const u = await createStaff(t, ROLE_OF[role], { assign: false });
    // createStaff's password rule (tests/helpers/app.ts).
    return { token: u.token, password: `pw-${u.user.username}-secret` };
  };

  // method, OpenAPI path, who may, how to build a valid request for a fresh target
  const http: [string, string, Role[], (role: Role) => Promise<Req>][] = [
    ['GET', '/api/health', ANYONE, async () => ({ url: '/api/health' })],
    ['POST', '/api/auth/login', ANYONE, async () => ({ url: '/api/auth/login', payload: { username: 'admin', password: 'admin-test-password' } })],
    ['GET', '/api/me', ANY_STAFF, async () => ({ url: '/api/me' })],
    ['POST', '/api/auth/logout', ANY_STAFF, async (role) => ({ url: '/api/auth/logout', token: (await throwaway(role)).token })],
    ['PUT', '/api/me/password', ANY_STAFF, async (role) => {
      const who = await throwaway(role);
      return { url: '/api/me/password', token: who.token, payload: { currentPassword: who.password, newPassword: 'a-new-long-password' } };
    }],
    ['POST', '/api/users', ADMIN, async () => ({ url: '/api/users', payload: { username: `user${++n}`, password: 'long-enough-password', displayName: 'Cán bộ mới', role: 'leader' } })],
    ['GET', '/api/users', ADMIN, async () => ({ url: '/api/users' })],
    ['PATCH', '/api/users/{id}', ADMIN, async () => ({ url: `/api/users/${targetUserId}`, payload: { title: `Phó Chủ tịch ${++n}` } })],
    ['POST', '/api/sessions', ADMIN, async () => ({ url: '/api/sessions', payload: { title: 'Phiên mới', audience: 'Nông dân', startsAt: '2027-01-01T01:00:00.000Z', moderation: 'pre' } })],
    ['GET', '/api/sessions', ANY_STAFF, async () => ({ url: '/api/sessions' })],
    ['GET', '/api/sessions/{id}/staff', STAFF, async () => ({ url: `/api/sessions/${live.id}/staff` })],
    ['PUT', '/api/sessions/{id}/staff', ADMIN, async () => ({
      url: `/api/sessions/${live.id}/staff`,
      payload: { userIds: (await inject('GET', `/api/sessions/${live.id}/staff`, t.adminToken)).json().staff.map((u: { id: number }) => u.id) },
    })],
    ['GET', '/api/audit', SECRETARIAT, async () => ({ url: `/api/audit?sessionId=${live.id}` })],
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
    ['POST', '/api/questions/{id}/answers', ANSWERERS, async () => ({ url: `/api/questions/${await question()}/answers`, payload: { text: 'Tỉnh sẽ xây thêm phòng học', kind: 'live', panelSeatId: live.panel[0]!.id } })],
    ['PATCH', '/api/commitments/{id}', SECRETARIAT, async () => ({ url: `/api/commitments/${await commitment()}`, payload: { status: 'in_progress' } })],
    ['POST', '/api/participants/{id}/ban', MODERATORS, async () => ({ url: `/api/participants/${(await joinSession(t, live.code)).participantId}/ban`, payload: { reason: 'Bơm phiếu' } })],
    ['DELETE', '/api/participants/{id}/personal-data', SECRETARIAT, async () => ({ url: `/api/participants/${(await joinSession(t, live.code, { displayName: 'Người xin xóa', contact: '0900 000 000' })).participantId}/personal-data` })],
    ['GET', '/api/sessions/{id}/personal-data', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/personal-data` })],
    ['GET', '/api/admin/personal-data', ADMIN, async () => ({ url: '/api/admin/personal-data' })],
    ['GET', '/api/participants/{id}/contact', SECRETARIAT, async () => ({ url: `/api/participants/${asker.participantId}/contact` })],
    ['GET', '/api/sessions/{id}/minutes.docx', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/minutes.docx` })],
    ['GET', '/api/sessions/{id}/minutes.html', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/minutes.html` })],
    ['GET', '/api/sessions/{id}/conclusions.docx', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/conclusions.docx` })],
    ['GET', '/api/sessions/{id}/conclusions.html', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/conclusions.html` })],
    ['GET', '/api/sessions/{id}/conclusions', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/conclusions` })],
    [
      'PUT',
      '/api/sessions/{id}/conclusions',
      SECRETARIAT,
      async () => ({
        url: `/api/sessions/${live.id}/conclusions`,
        payload: { assessment: 'Hội nghị thành công.', tasks: [], recipients: ['Lưu: VT.'], authority: { mode: 'TL', of: 'CHỦ TỊCH', position: 'CHÁNH VĂN PHÒNG', name: '' } },
      }),
    ],
    ['PATCH', '/api/sessions/{id}/minutes-notes', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/minutes-notes`, payload: { attendance: 120 } })],
    ['GET', '/api/sessions/{id}/questions.csv', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/questions.csv` })],
    ['GET', '/api/sessions/{id}/questions.xlsx', SECRETARIAT, async () => ({ url: `/api/sessions/${live.id}/questions.xlsx` })],
    ['GET', '/api/followups', ANY_STAFF, async () => ({ url: '/api/followups' })],
    ['GET', '/api/followups/{id}', STAFF, async () => ({ url: `/api/followups/${await followUp()}` })],
    ['PATCH', '/api/followups/{id}', SECRETARIAT, async () => ({ url: `/api/followups/${await followUp()}`, payload: { status: 'in_progress' } })],
    ['POST', '/api/followups/{id}/publish', SECRETARIAT, async () => ({ url: `/api/followups/${await followUp()}/publish` })],
    ['GET', '/api/track/{trackingCode}', ANYONE, async () => ({ url: `/api/track/${closedQuestion.trackingCode}` })],
    ['GET', '/api/public/sessions', ANYONE, async () => ({ url: '/api/public/sessions' })],
    ['GET', '/api/public/sessions/{id}', ANYONE, async () => ({ url: `/api/public/sessions/${closed.id}` })],
    ['GET', '/api/sessions/{id}/stats', STAFF, async () => ({ url: `/api/sessions/${live.id}/stats` })],
    ['GET', '/api/sessions/{id}/venues', STAFF, async () => ({ url: `/api/sessions/${live.id}/venues` })],
    ['POST', '/api/sessions/{id}/venues', ADMIN, async () => ({ url: `/api/sessions/${live.id}/venues`, payload: { name: `Điểm cầu ${++n}`, locality: 'Xã Hòa Bình' } })],
    ['PATCH', '/api/venues/{id}', SECRETARIAT, async () => {
      const v = await inject('POST', `/api/sessions/${live.id}/venues`, t.adminToken, { name: `Điểm cầu ${++n}` });
      return { url: `/api/venues/${v.json().id}`, payload: { attendance: 80 } };
    }],
    // The gateway's signature, not a token, decides: a signed message is taken whoever sends it.
    ['POST', '/api/intake/sms', ANYONE, async () => {
      const payload = { from: '0912000111', text: `${live.code} Tin nhắn số ${++n}`, receivedAt: new Date().toISOString(), messageId: `authz-${n}` };
      const raw = JSON.stringify(payload);
      return { url: '/api/intake/sms', payload, headers: { 'content-type': 'application/json', 'x-signature': `sha256=${createHmac('sha256', SMS_SECRET).update(raw).digest('hex')}` } };
    }],
    ['POST', '/api/admin/backups', ADMIN, async () => ({ url: '/api/admin/backups' })],
    ['GET', '/api/admin/backups', ADMIN, async () => ({ url: '/api/admin/backups' })],
    ['GET', '/api/join/{code}', ANYONE, async () => ({ url: `/api/join/${live.code}` })],
    ['GET', '/api/settings/public', ANYONE, async () => ({ url: '/api/settings/public' })],
    ['GET', '/api/localities', ANYONE, async () => ({ url: '/api/localities?q=tan%20trao' })],
    ['GET', '/api/localities/{code}', ANYONE, async () => ({ url: '/api/localities/02545' })],
    ['GET', '/api/admin/settings', ADMIN, async () => ({ url: '/api/admin/settings' })],
    ['PATCH', '/api/admin/settings', ADMIN, async () => ({ url: '/api/admin/settings', payload: { orgAbbreviation: 'UBND' } })],
    // Opinions register: units and fields are read by any staff, written by admins.
    ['GET', '/api/units', ANY_STAFF, async () => ({ url: '/api/units' })],
    ['POST', '/api/units', ADMIN, async () => ({ url: '/api/units', payload: { name: `UBND XÃ SỐ ${++n}`, abbreviation: 'UBND', level: 'commune', place: 'Kim Bình' } })],
    ['PATCH', '/api/units/{id}', ADMIN, async () => ({ url: `/api/units/${unitId}`, payload: { place: `Tuyên Quang ${++n}` } })],
    ['GET', '/api/fields', ANY_STAFF, async () => ({ url: '/api/fields' })],
    ['POST', '/api/fields', ADMIN, async () => ({ url: '/api/fields', payload: { name: `Lĩnh vực ${++n}` } })],
    ['PATCH', '/api/fields/{id}', ADMIN, async () => ({ url: '/api/fields/1', payload: { keywords: ['dat dai', `tu khoa ${++n}`] } })],
    // A secretary sees every entered opinion and its sessions' opinions; enters opinions for any unit.
    ['GET', '/api/opinions', [...SECRETARIAT, 'otherSecretary'], async () => ({ url: '/api/opinions' })],
    ['POST', '/api/opinions', [...SECRETARIAT, 'otherSecretary'], async () => ({ url: '/api/opinions', payload: { unitId, channel: 'letter', receivedAt: '2026-10-01', text: `Thư số ${++n}` } })],
    ['GET', '/api/opinions/{id}', SECRETARIAT, async () => ({ url: `/api/opinions/${await opinion()}` })],
    ['PATCH', '/api/opinions/{id}', SECRETARIAT, async () => ({ url: `/api/opinions/${await opinion()}`, payload: { level: 'province' } })],
    ['POST', '/api/opinions/bulk', SECRETARIAT, async () => ({ url: '/api/opinions/bulk', payload: { ids: [await opinion(), await opinion()], level: 'commune' } })],
    ['DELETE', '/api/opinions/{id}/personal-data', [...SECRETARIAT, 'otherSecretary'], async () => {
      const r = await inject('POST', '/api/opinions', t.adminToken, { unitId, channel: 'reception', receivedAt: '2026-10-01', text: `Ý kiến ${++n}`, personName: 'Người xin xóa' });
      return { url: `/api/opinions/${r.json().id}/personal-data` };
    }],
    // The period report is the unit's, entered opinions included: any secretary and admins (not tied to one session's assignment).
    ['GET', '/api/reports/opinions.json', [...SECRETARIAT, 'otherSecretary'], async () => ({ url: `/api/reports/opinions.json?from=2026-01-01&to=2026-12-31&unitId=${unitId}` })],
    ['GET', '/api/reports/opinions.docx', [...SECRETARIAT, 'otherSecretary'], async () => ({ url: `/api/reports/opinions.docx?from=2026-10-01&to=2026-12-31&unitId=${unitId}` })],
    ['GET', '/api/reports/opinions.xlsx', [...SECRETARIAT, 'otherSecretary'], async () => ({ url: `/api/reports/opinions.xlsx?from=2026-10-01&to=2026-12-31&unitId=${unitId}` })],
    // Carry-over and the statutory checklist: the staff of that session.
    ['GET', '/api/sessions/{id}/carry-over', STAFF, async () => ({ url: `/api/sessions/${live.id}/carry-over` })],
    ['GET', '/api/sessions/{id}/deadlines', STAFF, async () => ({ url: `/api/sessions/${live.id}/deadlines` })],
  ];

  it('has a row for every route in the OpenAPI document (a new route needs its row)', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(http.map(([m, p]) => `${m} ${p}`).sort());
  });

  it('allows and refuses every role on every HTTP route exactly as written', { timeout: 480_000 }, async () => {
    const wrong: string[] = [];
    let cells = 0;
    let scopedCells = 0;
    for (const [method, path, allowed, build] of http) {
      for (const role of ROLES) {
        const req = await build(role);
        const before = await dumpStored(t);
        const token = req.token ?? (role === 'anonymous' ? undefined : tokens[role]);
        const res = await inject(method, req.url, token, req.payload, req.headers);
        cells++;
        const allow = allowed.includes(role);
        const code = res.statusCode >= 400 ? (res.json() as { error?: { code?: string } }).error?.code ?? '' : '';
        // On PostgreSQL (pg_dump's job) an admin gets past the check to 409 BACKUP_EXTERNAL.
        const external = TEST_DB === 'pg' && path === '/api/admin/backups' && res.statusCode === 409 && code === 'BACKUP_EXTERNAL';
        // Staff of another session whose role would be allowed here are refused for the
        // assignment alone: 403 NOT_ASSIGNED, not any refusal (a 404 or FORBIDDEN would
        // hide a scope check that stopped happening).
        const scoped = !allow && outsider(role, allowed);
        const ok = allow
          ? (res.statusCode >= 200 && res.statusCode < 300) || external
          : scoped
            ? res.statusCode === 403 && code === 'NOT_ASSIGNED'
            : [401, 403, 404].includes(res.statusCode) && REFUSAL.test(code);
        if (scoped) scopedCells++;
        if (!ok) wrong.push(`${method} ${path} as ${role}: expected ${allow ? 'allow' : scoped ? '403 NOT_ASSIGNED' : 'refuse'}, got ${res.statusCode} ${res.body.slice(0, 120)}`);
        if (!allow && ok) {
          // Refused means nothing happened (no row, no audit entry).
          if (JSON.stringify(await dumpStored(t)) !== JSON.stringify(before)) wrong.push(`${method} ${path} as ${role}: refused but data changed`);
        }
      }
    }
    console.log(`[authz] HTTP cells checked: ${cells} (${http.length} routes × ${ROLES.length} roles), ${scopedCells} of them 403 NOT_ASSIGNED for staff of another session`);
    expect(scopedCells).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  const events: [string, Role[], () => Promise<unknown>][] = [
    ['session:join', MEMBERS, async () => ({ sessionId: live.id })],
    ['session:leave', ['participant', 'otherParticipant', ...ANY_STAFF], async () => ({ sessionId: live.id })],
    ['question:submit', PARTICIPANT, async () => ({ sessionId: live.id, text: `Câu hỏi qua socket ${++n}` })],
    ['question:vote', PARTICIPANT, async () => ({ questionId: await question() })],
    ['question:unvote', PARTICIPANT, async () => ({ questionId: await question() })],
    ['question:withdraw', PARTICIPANT, async () => ({ questionId: await question(tokens.participant) })],
    ['question:moderate', MODERATORS, async () => ({ questionId: await question(), action: 'tag', topic: 'Y tế' })],
  ];

  it('allows and refuses every role on every socket event exactly as written', { timeout: 120_000 }, async () => {
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
    let scopedCells = 0;
    for (const [event, allowed, build] of events) {
      for (const role of ROLES) {
        cells++;
        if (role === 'anonymous') {
          if (allowed.includes(role)) wrong.push(`${event} as anonymous should be refused at the handshake`);
          continue;
        }
        const payload = await build();
        const before = await dumpStored(t);
        const s = socks[role].timeout(5000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<{ ok: boolean; error?: { code: string } }> };
        const ack = await s.emitWithAck(event, payload);
        const allow = allowed.includes(role);
        const scoped = !allow && outsider(role, allowed);
        if (scoped) scopedCells++;
        const ok = allow ? ack.ok : !ack.ok && (scoped ? ack.error!.code === 'NOT_ASSIGNED' : REFUSAL.test(ack.error!.code));
        if (!ok) wrong.push(`${event} as ${role}: expected ${allow ? 'allow' : scoped ? 'NOT_ASSIGNED' : 'refuse'}, got ${JSON.stringify(ack).slice(0, 160)}`);
        if (!allow && JSON.stringify(await dumpStored(t)) !== JSON.stringify(before)) wrong.push(`${event} as ${role}: refused but data changed`);
      }
    }
    console.log(`[authz] socket cells checked: ${cells} (${events.length} events × ${ROLES.length} roles), ${scopedCells} of them NOT_ASSIGNED for staff of another session`);
    expect(scopedCells).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });
});
