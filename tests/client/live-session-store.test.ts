import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Socket } from 'socket.io-client';
import { createSession, createTestApp, dbRow, dbRows, dbRun, joinSession, type TestApp } from '../helpers/app';
import { ask, eventually, openSocket, type ClientSocket } from '../helpers/sockets';
import type { Session } from '../../shared/schemas/entities';
import { GAP_WAIT_MS } from '../../shared/constants';

// The store runs in the browser: give it the few globals it reads, pointing
// at a real server (real Fastify, real SQLite, real Socket.IO).
const g = globalThis as Record<string, unknown>;
g.window ??= new EventTarget();
if (!('navigator' in globalThis) || (globalThis.navigator as { onLine?: boolean }).onLine === undefined) {
  Object.defineProperty(globalThis, 'navigator', { value: { onLine: true }, configurable: true });
}
const { LiveSession } = await import('../../client/src/stores/live-session.svelte');
type Store = InstanceType<typeof LiveSession>;

/**
 * Loses the next `n` packets of one event on every client socket, as a lossy
 * network would between a broadcast and a phone.
 */
function dropNext(event: string, n = 1): void {
  const proto = Socket.prototype as unknown as { onevent(packet: { data: unknown[] }): void };
  const original = proto.onevent;
  let left = n;
  proto.onevent = function (this: unknown, packet: { data: unknown[] }) {
    if (left > 0 && packet.data[0] === event) {
      left -= 1;
      if (left === 0) proto.onevent = original;
      return;
    }
    original.call(this, packet);
  };
}

type Packet = { data: unknown[] };
type ClientProto = { onevent(packet: Packet): void; emit(event: string, ...args: unknown[]): unknown };
const tokenOf = (socket: unknown): string | undefined => (socket as { auth?: { token?: string } }).auth?.token;

/**
 * On the socket signed in with `token`, holds the next packet of `event`
 * back until the one after it has been delivered: the order in which two
 * nodes' messages can reach a phone (its own node's first).
 */
function swapNext(event: string, token: string): () => void {
  const proto = Socket.prototype as unknown as ClientProto;
  const original = proto.onevent;
  let held: Packet | null = null;
  proto.onevent = function (this: unknown, packet: Packet) {
    if (packet.data[0] !== event || tokenOf(this) !== token) return original.call(this, packet);
    if (!held) {
      held = packet;
      return;
    }
    proto.onevent = original;
    original.call(this, packet);
    original.call(this, held);
  };
  return () => void (proto.onevent = original);
}

/** Counts what the socket signed in with `token` emits of `event` from now on. */
function countEmits(event: string, token: string): { count: () => number; stop: () => void } {
  const proto = Socket.prototype as unknown as ClientProto;
  const original = proto.emit;
  let n = 0;
  proto.emit = function (this: unknown, ev: string, ...args: unknown[]) {
    if (ev === event && tokenOf(this) === token) n += 1;
    return original.call(this, ev, ...args);
  };
  return { count: () => n, stop: () => void (proto.emit = original) };
}

describe('the LiveSession store against a real server', () => {
  let t: TestApp;
  let session: Session;
  let store: Store;
  let other: ClientSocket;
  let myToken = '';
  const stores: Store[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const url = await t.listen();
    g.location = new URL(url);
    session = await createSession(t, 'live', { moderation: 'post' });
    const me = await joinSession(t, session.code, { displayName: 'Phạm Thu Trang' });
    myToken = me.token;
    store = new LiveSession({ token: me.token, sessionId: session.id, audience: 'participant' });
    stores.push(store);
    const them = await joinSession(t, session.code);
    other = await openSocket(url, them.token);
  });
  afterAll(async () => {
    for (const s of stores) s.close();
    other?.close();
    await t.close();
  });

  const submitByOther = async (text: string) => {
    const res = await ask(other, 'question:submit', { sessionId: session.id, text });
    if (!res.ok) throw new Error(res.error.code);
    return res.data as { id: number };
  };

  it('connects, loads the snapshot and applies questions as they are broadcast', async () => {
    await eventually(() => store.loaded && store.connection === 'connected', 5000, 'snapshot');
    expect(store.session?.title).toBe(session.title);
    const q = await submitByOther('Tỉnh có hỗ trợ thanh niên khởi nghiệp <b>vay vốn</b> không?');
    const seen = await eventually(() => store.question(q.id), 3000, 'question:created');
    expect(seen.text).toBe('Tỉnh có hỗ trợ thanh niên khởi nghiệp <b>vay vốn</b> không?');
  });

  it('moves a vote at once, keeps the server count, and un-votes', async () => {
    const q = await submitByOther('Bao giờ có sân bóng cho thanh niên xã?');
    await eventually(() => store.question(q.id), 3000, 'question');
    const theirs = await ask(other, 'question:vote', { questionId: q.id });
    expect(theirs.ok).toBe(true);
    await eventually(() => store.question(q.id)?.votes === 1, 3000, 'tally of 1');

    const voting = store.toggleVote(q.id);
    // Optimistic: before the ack arrives.
    expect(store.question(q.id)?.votes).toBe(2);
    expect(store.myVotes.has(q.id)).toBe(true);
    await voting;
    expect(store.question(q.id)?.votes).toBe(2);
    const row = (await dbRow(t, 'select votes from questions where id = ?', q.id)) as { votes: number };
    expect(row.votes).toBe(2);

    await store.toggleVote(q.id);
    expect(store.myVotes.has(q.id)).toBe(false);
    await eventually(() => store.question(q.id)?.votes === 1, 3000, 'back to 1');
  });

  it('undoes an optimistic vote the server refuses', async () => {
    const q = await submitByOther('Câu hỏi sẽ bị rút lại');
    await eventually(() => store.question(q.id), 3000, 'question');
    // Withdrawn by its author in the database behind the store's back: the vote is refused.
    await dbRun(t, "update questions set status = 'withdrawn' where id = ?", q.id);
    await expect(store.toggleVote(q.id)).rejects.toMatchObject({ code: 'QUESTION_NOT_FOUND' });
    expect(store.myVotes.has(q.id)).toBe(false);
    expect(store.question(q.id)?.votes).toBe(0);
  });

  it('sees a gap in the sequence when a broadcast is lost, and catches up from a snapshot', async () => {
    dropNext('question:created');
    const lost = await submitByOther('Câu hỏi này bị mất trên đường truyền');
    await new Promise((r) => setTimeout(r, 400)); // past the broadcaster's 150 ms flush
    expect(store.question(lost.id)).toBeUndefined();
    const next = await submitByOther('Câu hỏi tiếp theo đến bình thường');
    await eventually(() => store.question(lost.id) && store.question(next.id), 3000, 'resync after the gap');
    // The store now holds exactly what the database says is public.
    const publicIds = (
      (await dbRows(t, "select id from questions where session_id = ? and status in ('approved','on_stage','answered','deferred') order by id", session.id)) as { id: number }[]
    ).map((r) => r.id);
    expect(store.questions.map((q) => q.id).sort((a, b) => a - b)).toEqual(publicIds);
  });

  it('applies a message that overtook the one before it (as from another node) in order, with no snapshot', async () => {
    await eventually(() => store.loaded && store.connection === 'connected', 5000, 'connected');
    // Asked by a fourth person (the other one's questions per minute are spent).
    const asker = await openSocket(t.url, (await joinSession(t, session.code)).token);
    const submit = async (text: string) => {
      const res = await ask(asker, 'question:submit', { sessionId: session.id, text });
      if (!res.ok) throw new Error(res.error.code);
      return res.data as { id: number };
    };
    const snapshots = countEmits('session:join', myToken);
    const restore = swapNext('question:created', myToken);
    try {
      const first = await submit('Xã có kế hoạch làm đường bê tông liên thôn không?');
      await new Promise((r) => setTimeout(r, 250)); // its broadcast is out (150 ms flush), and held back
      expect(store.question(first.id)).toBeUndefined();
      const second = await submit('Hỗ trợ giống lúa cho vụ đông xuân thế nào?');
      await eventually(() => store.question(first.id) && store.question(second.id), 3000, 'both, in order');
      // Nothing was lost: no snapshot was asked for, before or after the wait for a gap.
      await new Promise((r) => setTimeout(r, GAP_WAIT_MS + 200));
      expect(snapshots.count()).toBe(0);
    } finally {
      restore();
      snapshots.stop();
      asker.close();
    }
  });

  it('keeps the newer copy of a question when an older one comes later (two nodes that read it at different times)', async () => {
    const asker = await openSocket(t.url, (await joinSession(t, session.code)).token);
    const proto = Socket.prototype as unknown as ClientProto;
    const original = proto.onevent;
    try {
      const asked = await ask(asker, 'question:submit', { sessionId: session.id, text: 'Xã có hỗ trợ làm nhà văn hóa thôn không?' });
      if (!asked.ok) throw new Error(asked.error.code);
      const id = asked.data.id;
      await eventually(() => store.question(id), 3000, 'question');
      // The store's third update of this question carries the first one's copy under its own (newer) number.
      const updates: Record<string, unknown>[] = [];
      proto.onevent = function (this: unknown, packet: Packet) {
        const [event, payload] = packet.data as [string, Record<string, unknown>];
        if (event === 'question:updated' && payload.id === id && tokenOf(this) === myToken) {
          updates.push(payload);
          if (updates.length === 3) packet = { ...packet, data: [event, { ...updates[0], seq: payload.seq }] };
        }
        original.call(this, packet);
      };
      const tag = async (topic: string) => {
        const res = await t.app.inject({ method: 'POST', url: `/api/questions/${id}/moderate`, headers: { authorization: `Bearer ${t.adminToken}` }, payload: { action: 'tag', topic } });
        expect(res.statusCode).toBe(200);
        await eventually(() => updates.length >= ['Văn hóa', 'Xây dựng', 'Nông thôn mới'].indexOf(topic) + 1, 3000, topic);
      };
      await tag('Văn hóa');
      await tag('Xây dựng');
      expect(store.question(id)?.topic).toBe('Xây dựng');
      await tag('Nông thôn mới'); // arrives as the stale 'Văn hóa' copy
      expect(store.question(id)?.topic).toBe('Xây dựng');
      expect(updates.map((u) => u.version)).toEqual([...updates.map((u) => u.version)].sort((a, b) => Number(a) - Number(b)));
    } finally {
      proto.onevent = original;
      asker.close();
    }
  });

  it('says "offline" as soon as the browser knows, though the socket has not noticed yet', async () => {
    await eventually(() => store.connection === 'connected', 5000, 'connected');
    const nav = globalThis.navigator as { onLine: boolean };
    Object.defineProperty(nav, 'onLine', { value: false, configurable: true });
    (g.window as EventTarget).dispatchEvent(new Event('offline'));
    try {
      expect(store.connection).toBe('offline');
    } finally {
      Object.defineProperty(nav, 'onLine', { value: true, configurable: true });
      (g.window as EventTarget).dispatchEvent(new Event('online'));
    }
    expect(store.connection).toBe('connected');
  });

  it('keeps a vote cast while the connection is gone and sends it once it is back', async () => {
    // Asked by a third person (the other one has used up its questions per minute).
    const third = await joinSession(t, session.code);
    const q = (
      await t.app.inject({
        method: 'POST',
        url: `/api/sessions/${session.id}/questions`,
        headers: { authorization: `Bearer ${third.token}` },
        payload: { text: 'Đề nghị sửa cầu treo bản Khuổi Phầy' },
      })
    ).json() as { id: number };
    await eventually(() => store.question(q.id), 3000, 'question');
    // The phone's connection drops (not a server kick): only the store's socket.
    type ServerSocket = { handshake: { auth: { token?: string } }; conn: { close(): void } };
    const io = (t.app as unknown as { io: { sockets: { sockets: Map<string, ServerSocket> } } }).io;
    for (const sock of io.sockets.sockets.values()) if (sock.handshake.auth.token === myToken) sock.conn.close();
    await eventually(() => store.connection === 'reconnecting', 3000, 'disconnected');
    await store.toggleVote(q.id); // no throw: kept for later
    expect(store.myVotes.has(q.id)).toBe(true);
    expect(store.question(q.id)?.votes).toBe(1);
    const votes = async () => (await dbRow<{ n: number }>(t, 'select count(*) n from votes where question_id = ?', q.id))!.n;
    expect(await votes()).toBe(0);
    await eventually(() => store.connection === 'connected', 5000, 'reconnected');
    await eventually(async () => (await votes()) === 1, 5000, 'the vote reached the database');
    await eventually(() => store.question(q.id)?.votes === 1 && store.myVotes.has(q.id), 3000, 'still shown as cast');
  });

  it('shows its own question with its tracking code while others only see public ones', async () => {
    const pre = await createSession(t, 'live', { moderation: 'pre' });
    const author = await joinSession(t, pre.code);
    const mine = new LiveSession({ token: author.token, sessionId: pre.id, audience: 'participant' });
    stores.push(mine);
    await eventually(() => mine.loaded, 5000, 'snapshot');
    const q = await mine.submit('Xin hỏi về chính sách nhà ở xã hội', false, 'client-1');
    expect(q.status).toBe('pending');
    expect(mine.question(q.id)?.trackingCode).toMatch(/^[A-Z0-9]{10}$/);
    // The same client id again (a retried send) is the same question.
    const again = await mine.submit('Xin hỏi về chính sách nhà ở xã hội', false, 'client-1');
    expect(again.id).toBe(q.id);
    expect(mine.questions.filter((x) => x.text === 'Xin hỏi về chính sách nhà ở xã hội')).toHaveLength(1);

    const bystander = await joinSession(t, pre.code);
    const theirs = new LiveSession({ token: bystander.token, sessionId: pre.id, audience: 'participant' });
    stores.push(theirs);
    await eventually(() => theirs.loaded, 5000, 'snapshot');
    expect(theirs.question(q.id)).toBeUndefined();
  });
});
