import fc from 'fast-check';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors';
import type { Session } from '../../shared/schemas/entities';
import { ADMIN_PASSWORD, auth, createSession, createStaff, createTestApp, dbRow, joinSession, login, type TestApp } from '../helpers/app';
import { openSocket, type ClientSocket } from '../helpers/sockets';
import { dumpStored } from '../helpers/dump';

/**
 * Property-based attack on every HTTP route (taken from the OpenAPI document,
 * so new routes are covered without touching this file) and every socket
 * event: random, malformed, oversized, deeply nested and wrong-type input.
 * Whatever comes in: no 5xx, no crash, no unhandled rejection, a clear error
 * code, and a refused request leaves the stored data as it was.
 */
// npm test runs a quick pass; npm run test:resilience sets FUZZ_RUNS higher.
const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
/** The server's Socket.IO maxHttpBufferSize, in bytes. */
const MAX_PACKET = 32 * 1024;
const CODES = new Set<string>(ErrorCodes);

interface PropSchema {
  type?: string;
  enum?: unknown[];
  anyOf?: PropSchema[];
}
interface OpenApiOp {
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, PropSchema> } }> };
}

/** A value of the right type (or enum), arbitrary otherwise: gets past validation to the rules behind it. */
const rightFor = (p: PropSchema): fc.Arbitrary<unknown> => {
  if (p.anyOf?.length) return fc.oneof(...p.anyOf.map(rightFor));
  if (p.enum?.length) return fc.constantFrom(...p.enum);
  switch (p.type) {
    case 'string':
      return fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('2026-12-01', '2026-02-30', '2026-12-01T01:00:00.000Z', 'approve', 'live', '   ', '\u200b'));
    case 'integer':
    case 'number':
      return fc.integer({ min: -3, max: 10 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fc.dictionary(fc.constantFrom('text', 'agency', 'deadline', 'name', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 3 }), { maxLength: 3 });
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
};

const nasty = ['0', '-1', '1.5', '1e309', '99999999999999999999', 'NaN', 'null', '%00', '..%2F..%2Fetc%2Fpasswd', 'abc', "1'%20OR%20'1'='1", '%F0%9D%95%8F', '__proto__', 'constructor', '%7B%7D', ''.padEnd(100, '9'), ''.padEnd(3000, '9'), '%E0%A4%A', '%', '%%'];

// Real ids too, so that bad bodies reach the services' own checks.
const pathValue = fc.oneof(
  fc.constantFrom(...nasty),
  fc.constantFrom('1', '2', '3', '4'),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.integer().map(String),
);

/** A value of the wrong type for a field that expects `type`. */
const wrongFor = (type: string | undefined) =>
  fc.oneof(
    type === 'string' ? fc.integer() : fc.string({ maxLength: 30 }),
    type === 'boolean' ? fc.constantFrom('true', 1, 0) : fc.boolean(),
    type === 'integer' || type === 'number' ? fc.constantFrom('1', 1.5, -1, 0, 1e309, Number.MAX_SAFE_INTEGER + 2) : fc.integer(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    fc.string({ minLength: 1, maxLength: 5 }).map((s) => s.repeat(2000)),
    fc.constantFrom({ __proto__: { admin: true } }, { constructor: { prototype: { polluted: true } } }, '\u0000', '\uD800', '<script>alert(1)</script>'),
  );

/** A raw body: what a client could put on the wire. */
const rawBody = (props: Record<string, PropSchema>) =>
  fc.oneof(
    // Right types, arbitrary values and combinations.
    fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, rightFor(v)])), { requiredKeys: [] }).map((o) => ({ json: o })),
    // Plausible shape, wrong types.
    fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, wrongFor(v.type)])), { requiredKeys: [] }).map((o) => ({ json: o })),
    // Plausible shape plus junk fields.
    fc.record(Object.fromEntries(Object.entries(props).map(([k]) => [k, fc.jsonValue({ maxDepth: 2 })])), { requiredKeys: [] }).chain((o) =>
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }).map((extra) => ({ json: { ...extra, ...o } })),
    ),
    fc.jsonValue({ maxDepth: 4 }).map((json) => ({ json })),
    // Deep nesting, as JSON text (within the body limit) and as objects.
    fc.integer({ min: 100, max: 30_000 }).map((d) => ({ raw: '['.repeat(d) + ']'.repeat(d), type: 'application/json' })),
    fc.integer({ min: 10, max: 2000 }).map((d) => {
      let o: unknown = 'leaf';
      for (let i = 0; i < d; i++) o = { a: o };
      return { json: o };
    }),
    // Not JSON at all, or lying about it.
    fc.string({ maxLength: 200 }).map((raw) => ({ raw, type: 'application/json' })),
    fc.constantFrom('{', '{"a":', '{"a":1,}', "{'a':1}", '\u0000', 'null', '[]', '""', '1e309', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}').map((raw) => ({ raw, type: 'application/json' })),
    fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/xml', 'nonsense'), fc.string({ maxLength: 50 })).map(([type, raw]) => ({ raw, type })),
    // Oversized.
    fc.integer({ min: 65 * 1024, max: 400 * 1024 }).map((n) => ({ raw: JSON.stringify({ text: 'x'.repeat(n) }), type: 'application/json' })),
  );

/** One handshake: 'connected', the connect_error code, or 'closed' when the server drops the transport. */
function handshake(url: string, authObj: unknown): Promise<string> {
  const s = io(url, { path: '/socket.io', auth: authObj as object, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('hung'), 5000);
    const done = (v: string) => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    s.once('connect', () => done('connected'));
    s.once('connect_error', (e) => done(e.message));
    s.io.once('close', () => done('closed'));
  });
}

describe('fuzzing', () => {
  let t: TestApp;
  let session: Session;
  const tokens: Record<string, string | undefined> = { anonymous: undefined };
  const passwords: Record<string, [string, string]> = {};
  /** Routes that end the caller's tokens: they get a fresh sign-in each time, so the fuzzer's own tokens live on. */
  const ENDS_TOKENS = new Set(['/api/auth/logout', '/api/me/password']);
  /** A refused login is recorded on the audit log by design: that row is the only change allowed. */
  const RECORDS_REFUSALS = new Set(['/api/auth/login']);
  const problems: string[] = [];
  const onUnhandled = (err: unknown) => problems.push(`unhandled: ${String(err)}`);
  let inputs = 0;

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    // The token-ending routes sign in afresh for every input, among the fuzzer's many failed logins: no per-address cap here.
    t = await createTestApp({ RATE_LIMIT_LOGIN_ATTEMPTS: '100000', RATE_LIMIT_LOGIN_FAILURES_PER_IP: '1000000' });
    await t.listen();
    session = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, session.code);
    tokens.participant = p.token;
    const moderator = await createStaff(t, 'moderator');
    tokens.moderator = moderator.token;
    tokens.admin = t.adminToken;
    passwords.moderator = [moderator.user.username, `pw-${moderator.user.username}-secret`];
    passwords.admin = ['admin', ADMIN_PASSWORD];
    // Something to aim at: questions, a vote, a follow-up.
    for (let i = 0; i < 3; i++) {
      const q = await t.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/questions`, headers: auth(p.token), payload: { text: `Câu hỏi mồi ${i}` } });
      expect(q.statusCode).toBe(200);
    }
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    console.log(`[fuzz] total inputs tried: ${inputs}; crashes, 5xx or unhandled rejections: ${problems.length}`);
    await t.close();
  });

  // Every route gets RUNS × 10 inputs, each written input compared with a dump of the whole database: the
  // time grows with the routes and the runs (FUZZ_RUNS: 8 in npm test, 3 in test:pg, 16 in test:resilience).
  it('answers every HTTP route with a clear 4xx for bad input and keeps the data unchanged', { timeout: Math.max(180_000, RUNS * 12_000) }, async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, OpenApiOp>> };
    let routes = 0;
    let tried = 0;
    const statuses: Record<number, number> = {};
    // The database as dumped after the last refused write, while nothing has written since: the next
    // input's "before". Dumps are most of this test's time; this halves them.
    let known: string | null = null;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        routes++;
        const props = op.requestBody?.content?.['application/json']?.schema?.properties ?? {};
        const arb = fc.record({
          role: fc.constantFrom('anonymous', 'participant', 'moderator', 'admin'),
          params: fc.array(pathValue, { minLength: 3, maxLength: 3 }),
          query: fc.option(fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 }), { maxKeys: 4 }), { nil: undefined }),
          body: rawBody(props),
        });
        await fc.assert(
          fc.asyncProperty(arb, async ({ role, params, query, body }) => {
            let i = 0;
            const url = path.replace(/\{[^}]+\}/g, () => params[i++]!) + (query ? `?${new URLSearchParams(query).toString()}` : '');
            const creds = ENDS_TOKENS.has(path) ? passwords[role] : undefined;
            const token = creds ? await login(t.app, ...creds) : tokens[role];
            // A sign-in writes (its audit entry): what was dumped before it is stale.
            if (creds) known = null;
            const before = method === 'get' ? null : (known ?? JSON.stringify(await dumpStored(t)));
            known = null;
            const res = await t.app.inject({
              method: method.toUpperCase() as 'POST',
              url,
              headers: { ...(token && auth(token)), ...('raw' in body && { 'content-type': body.type }) },
              ...('raw' in body ? { payload: body.raw } : method === 'get' ? {} : { payload: body.json as object }),
            });
            tried++;
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            const where = `${method.toUpperCase()} ${url.slice(0, 80)} as ${role} (${res.statusCode})`;
            if (res.statusCode >= 500) problems.push(`${where}: ${res.body.slice(0, 200)}`);
            expect(res.statusCode, where).toBeLessThan(500);
            if (res.statusCode >= 400) {
              const code = (JSON.parse(res.body) as { error?: { code?: string } }).error?.code;
              expect(CODES.has(code ?? ''), `${where}: code ${code}`).toBe(true);
              if (before !== null && !RECORDS_REFUSALS.has(path)) {
                const after = JSON.stringify(await dumpStored(t));
                expect(after === before, `${where}: refused but data changed`).toBe(true);
                known = after;
              }
            }
          }),
          { numRuns: RUNS * 10 },
        );
      }
    }
    inputs += tried;
    console.log(`[fuzz] HTTP: ${tried} inputs over ${routes} routes; statuses ${JSON.stringify(statuses)}`);
    expect(problems).toEqual([]);
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });

  it('acks every socket event with a clear error for bad input, and a flooded socket never hurts the server', { timeout: 180_000 }, async () => {
    const events = ['session:join', 'session:leave', 'question:submit', 'question:vote', 'question:unvote', 'question:withdraw', 'question:moderate', 'no:such-event', '__proto__', 'constructor', 'disconnect'];
    // The HTTP fuzzing may have banned the first participant (POST /api/participants/{id}/ban with a real id): a fresh one.
    tokens.participant = (await joinSession(t, session.code)).token;
    const socketFor: Record<string, { s: ClientSocket | null; used: number }> = { participant: { s: null, used: 0 }, admin: { s: null, used: 0 } };
    // The HTTP fuzzing may have reset the admin's password through PATCH /api/users/1 (which ends
    // its tokens, as it should): sign a token for the admin as it stands now.
    const admin = (await dbRow(t, 'select token_version v from users where id = 1')) as { v: number };
    tokens.admin = t.app.tokens.signStaff(1, admin.v);
    t.adminToken = tokens.admin;
    // The flood guard cuts a socket after ~100 quick events: start a new one well before.
    // The flood guard cuts off a person (token or account, not a socket) after ~100 quick
    // events, and snapshots are limited per token: a new person well before.
    const get = async (role: 'participant' | 'admin') => {
      const slot = socketFor[role]!;
      if (!slot.s || !slot.s.connected || slot.used >= 80) {
        slot.s?.close();
        tokens[role] = role === 'participant' ? (await joinSession(t, session.code)).token : (await createStaff(t, 'admin')).token;
        slot.s = await openSocket(t.url, tokens[role]);
        slot.used = 0;
      }
      slot.used++;
      return slot.s;
    };
    // An oversized packet (beyond maxHttpBufferSize) closes that transport and changes nothing.
    {
      const big = await openSocket(t.url, (await joinSession(t, session.code)).token);
      const before = JSON.stringify(await dumpStored(t));
      const body = { sessionId: session.id, text: 'ư'.repeat(MAX_PACKET) };
      const r = await (big.timeout(3000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<unknown> })
        .emitWithAck('question:submit', body)
        .then(() => 'acked', (e: Error) => e.message);
      expect(r).toBe('socket has been disconnected');
      expect(JSON.stringify(await dumpStored(t)) === before).toBe(true);
      big.close();
    }
    const payload = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({ sessionId: wrongFor('integer'), questionId: wrongFor('integer'), text: wrongFor('string'), action: fc.oneof(fc.constantFrom('approve', 'stage', 'merge', 'defer', 'explode'), wrongFor('string')) }, { requiredKeys: [] }),
      fc.record({ sessionId: fc.constantFrom(session.id, session.id + 1, -1), text: fc.string({ maxLength: 300 }), clientId: fc.string({ maxLength: 80 }), extra: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ['sessionId'] }),
      fc.integer({ min: 10, max: 1000 }).map((d) => {
        let o: unknown = 1;
        for (let i = 0; i < d; i++) o = [o];
        return { questionId: o };
      }),
    );
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...events), fc.constantFrom('participant' as const, 'admin' as const), payload, fc.boolean(), async (event, role, body, withAck) => {
        const s = await get(role);
        const before = JSON.stringify(await dumpStored(t));
        tried++;
        if (!withAck || event === 'disconnect') {
          // No ack to answer to (or a reserved name): the server must simply ignore it.
          try {
            (s as unknown as { emit: (e: string, p: unknown) => void }).emit(event, body);
          } catch {
            // socket.io-client refuses reserved event names locally: nothing was sent
          }
          // An oversized packet closes the transport (see below): the next input gets a new socket.
          if (Buffer.byteLength(JSON.stringify([event, body]) ?? '') > MAX_PACKET - 16) {
            socketFor[role]!.s = null;
            s.close();
          }
          return;
        }
        const known = event.startsWith('question:') || event.startsWith('session:');
        // A packet larger than the server's maxHttpBufferSize (32 KiB) is not read at all: the
        // transport is closed, which is the answer to it (a few bytes of margin for the ack id).
        const bytes = Buffer.byteLength(`42000${JSON.stringify([event, body])}`);
        if (bytes > MAX_PACKET - 8) {
          const r = await (s.timeout(3000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<unknown> })
            .emitWithAck(event, body)
            .then(() => 'acked', (e: Error) => e.message);
          if (bytes > MAX_PACKET) expect(r, `${event}: ${bytes} bytes`).toBe('socket has been disconnected');
          expect(JSON.stringify(await dumpStored(t)) === before, `${event}: ${bytes} bytes changed data`).toBe(true);
          socketFor[role]!.s = null;
          s.close();
          return;
        }
        const res = (await (s.timeout(known ? 3000 : 150) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<unknown> })
          .emitWithAck(event, body)
          .catch((e: Error) => ({ timeout: e.message }))) as { ok?: boolean; error?: { code?: string }; timeout?: string };
        const where = `${event} ${JSON.stringify(body)?.slice(0, 80)} as ${role}`;
        if (known) {
          expect(res.timeout, where).toBeUndefined();
          if (res.ok === false) {
            expect(CODES.has(res.error?.code ?? ''), `${where}: ${JSON.stringify(res)}`).toBe(true);
            expect(res.error?.code, where).not.toBe('INTERNAL');
            expect(JSON.stringify(await dumpStored(t)) === before, `${where}: refused but data changed`).toBe(true);
          } else {
            expect(res.ok, where).toBe(true);
          }
        }
        // Unknown events get no answer (timeout) and change nothing.
        else expect(JSON.stringify(await dumpStored(t)) === before, `${where}: data changed`).toBe(true);
      }),
      { numRuns: RUNS * 60 },
    );
    socketFor.participant!.s?.close();
    socketFor.admin!.s?.close();

    // The handshake itself: random auth objects are refused with a code.
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ token: fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 2 })) })), async (authObj) => {
        tried++;
        const outcome = await handshake(t.url, authObj);
        // Refused with a code, or (auth not even an object) the transport closed.
        expect(outcome === 'closed' || CODES.has(outcome), `auth ${JSON.stringify(authObj)?.slice(0, 80)} → ${outcome}`).toBe(true);
      }),
      { numRuns: RUNS * 4 },
    );
    inputs += tried;
    console.log(`[fuzz] socket: ${tried} inputs over ${events.length} event names and the handshake`);
    expect(problems).toEqual([]);
    const calm = await openSocket(t.url, (await joinSession(t, session.code)).token);
    const ok = await (calm.timeout(3000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<{ ok: boolean }> }).emitWithAck('session:join', { sessionId: session.id });
    expect(ok.ok).toBe(true);
    calm.close();
  });

  // Fastify answers these before routing; server/app.ts maps them to our
  // error shape (frameworkErrors). Before that, integrators got
  // { error: "Bad Request", code: "FST_ERR_..." } and no error.code.
  it('answers malformed URLs and over-long path parameters in the error shape', async () => {
    for (const url of ['/api/sessions/%E0%A4%A', `/api/sessions/${'9'.repeat(3000)}`, `/api/track/${'A'.repeat(200)}`]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(CODES.has((res.json() as { error?: { code?: string } }).error?.code ?? ''), url).toBe(true);
    }
  });
});
