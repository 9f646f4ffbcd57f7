import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ack, SessionSnapshot } from '../../shared/events';
import { connectParticipant } from './lib/load';
import { api, freePort, joinAs, liveSession, startServer, stopServer, tempDataDir, type ServerProcess } from './lib/server';

const CROWD = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PUBLIC = ['approved', 'on_stage', 'answered', 'deferred'];

/**
 * What a phone keeps: the public queue with vote counts, built from a
 * `session:join` snapshot and then the sequenced events. A gap in the
 * sequence, or a reconnect, means: fetch a fresh snapshot.
 */
class Mirror {
  readonly socket;
  readonly votes = new Map<number, number>();
  seq = -1;
  snapshots = 0;
  lastSnapshotAt = 0;
  private syncing: Promise<void> | null = null;
  private buffered: { seq: number; apply: () => void }[] = [];

  constructor(url: string, token: string, private readonly sessionId: number) {
    this.socket = connectParticipant(url, token);
    this.socket.on('connect', () => void this.resync());
    const onQuestion = (q: { id: number; status: string; votes: number; seq: number }) =>
      this.event(q.seq, () => {
        if (PUBLIC.includes(q.status)) this.votes.set(q.id, q.votes);
        else this.votes.delete(q.id);
      });
    this.socket.on('question:created', onQuestion as never);
    this.socket.on('question:updated', onQuestion as never);
    this.socket.on('votes:tally', ((t: { seq: number; votes: Record<string, number> }) =>
      this.event(t.seq, () => {
        for (const [id, n] of Object.entries(t.votes)) if (this.votes.has(Number(id))) this.votes.set(Number(id), n);
      })) as never);
  }

  private event(seq: number, apply: () => void) {
    if (this.syncing) {
      this.buffered.push({ seq, apply });
      return;
    }
    if (seq !== this.seq + 1) {
      void this.resync(); // missed something: start again from a snapshot
      return;
    }
    this.seq = seq;
    apply();
  }

  resync(): Promise<void> {
    if (this.syncing) return this.syncing;
    this.buffered = [];
    this.syncing = (async () => {
      for (;;) {
        try {
          const s = this.socket.timeout(5000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<Ack<SessionSnapshot>> };
          const res = await s.emitWithAck('session:join', { sessionId: this.sessionId });
          if (!res.ok) throw new Error(res.error.code);
          this.votes.clear();
          for (const q of res.data.questions) if (PUBLIC.includes(q.status)) this.votes.set(q.id, q.votes);
          this.seq = res.data.seq;
          // Events that raced the snapshot: keep the ones it does not include.
          for (const b of this.buffered.sort((x, y) => x.seq - y.seq)) {
            if (b.seq <= this.seq) continue;
            if (b.seq !== this.seq + 1) throw new Error('gap while syncing');
            this.seq = b.seq;
            b.apply();
          }
          this.snapshots++;
          this.lastSnapshotAt = Date.now();
          return;
        } catch {
          if (!this.socket.connected) return; // the next 'connect' resyncs
          await sleep(100);
        }
      }
    })().finally(() => {
      this.syncing = null;
      this.buffered = [];
    });
    return this.syncing;
  }
}

function dbVotes(file: string, sessionId: number): Map<number, number> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare(`select id, votes from questions where session_id = ? and status in (${PUBLIC.map(() => '?').join(',')})`)
      .all(sessionId, ...PUBLIC) as { id: number; votes: number }[];
    return new Map(rows.map((r) => [r.id, r.votes]));
  } finally {
    db.close();
  }
}

async function crowdRestart(signal: NodeJS.Signals) {
  const data = tempDataDir();
  let server: ServerProcess | null = null;
  const mirrors: Mirror[] = [];
  try {
    const port = await freePort();
    // Default limits: a hall of 200 behind one address must get in.
    server = await startServer(data.dir, port);
    const { sessionId, code } = await liveSession(server.url);
    const writer = await joinAs(server.url, code, 0);
    const ask = async (n: number) => {
      const r = await api<{ id: number }>(server!.url, 'POST', `/api/sessions/${sessionId}/questions`, { text: `Câu hỏi chung số ${n}`, clientId: `w${n}` }, writer.token);
      expect(r.status).toBe(200);
      return r.body.id;
    };
    const ids = [await ask(1), await ask(2), await ask(3)];
    for (let i = 0; i < CROWD; i++) {
      const p = await joinAs(server.url, code, i + 1);
      mirrors.push(new Mirror(server.url, p.token, sessionId));
    }
    const deadline = Date.now() + 60_000;
    while (mirrors.some((m) => m.snapshots === 0) && Date.now() < deadline) await sleep(50);
    expect(mirrors.filter((m) => m.snapshots === 0)).toHaveLength(0);

    server.proc.kill(signal);
    await server.exited;
    const downAt = Date.now();
    await sleep(500); // the hall notices: every socket is now retrying with its own backoff
    server = await startServer(data.dir, port);
    const upAt = Date.now();

    // Life goes on while the crowd comes back: new questions, and each
    // phone votes once it is back.
    const late = [await ask(4), await ask(5)];
    const all = [...ids, ...late];
    const votesCast = mirrors.map(async (m, i) => {
      const until = Date.now() + 90_000;
      while ((m.lastSnapshotAt <= downAt || !m.socket.connected) && Date.now() < until) await sleep(50);
      const s = m.socket.timeout(5000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<Ack<unknown>> };
      return s.emitWithAck('question:vote', { questionId: all[i % all.length] }).catch(() => ({ ok: false }));
    });
    const acks = await Promise.all(votesCast);
    // Some may be back before our health probe saw the server up: count from the stop.
    const back = mirrors.filter((m) => m.lastSnapshotAt > downAt);
    const last = Math.max(...back.map((m) => m.lastSnapshotAt));
    await sleep(800); // the last tallies (batched every 150 ms)

    const truth = dbVotes(join(data.dir, 'lang-nghe.db'), sessionId);
    const differing = mirrors.filter((m) => JSON.stringify([...m.votes].sort()) !== JSON.stringify([...truth].sort()));
    console.log(
      `[reconnect ${signal}] ${back.length}/${CROWD} clients reconnected and resynced by themselves; ` +
        `last one ${Math.max(0, last - upAt)} ms after the server was back (${last - downAt} ms after it went down); ` +
        `votes acknowledged after the restart ${acks.filter((a) => a.ok).length}; clients differing from the db ${differing.length}`,
    );
    expect(back).toHaveLength(CROWD);
    expect(acks.filter((a) => a.ok)).toHaveLength(CROWD);
    expect(differing).toHaveLength(0);
    expect([...truth.values()].reduce((a, b) => a + b, 0)).toBe(CROWD);
  } finally {
    mirrors.forEach((m) => m.socket.close());
    if (server) await stopServer(server, 'SIGKILL');
    data.remove();
  }
}

describe('restart and reconnect', () => {
  it(`brings all ${CROWD} clients back by themselves after a crash, each equal to the db`, async () => {
    await crowdRestart('SIGKILL');
  });

  // A graceful stop closes the transports (not a Socket.IO "disconnect",
  // after which clients would never come back), so phones reconnect.
  it(`brings all ${CROWD} clients back by themselves after a graceful restart (SIGTERM)`, async () => {
    await crowdRestart('SIGTERM');
  });
});
