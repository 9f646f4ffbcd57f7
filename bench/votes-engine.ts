/**
 * One popular question, votes at a steady rate, straight into the vote
 * service (no sockets, no HTTP): what the data layer of each engine takes.
 * SQLite goes through the group commit, PostgreSQL through the set-based
 * vote batch (server/domain/questions/vote-batch.ts).
 *
 *   npx tsx bench/votes-engine.ts --engine pg --rate 3000 --seconds 10
 *   npx tsx bench/votes-engine.ts --engine sqlite --rate 3000 --seconds 10
 *
 * PostgreSQL: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * a server where its user may create databases; a fresh one is made and dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../server/app';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db/open';
import { bootstrap } from '../server/domain/bootstrap';
import type { Actor } from '../server/domain/actor';
import { summarize } from './lib/stats';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const engine = arg('engine', 'pg');
const rate = Number(arg('rate', '3000'));
const seconds = Number(arg('seconds', '10'));
if (engine !== 'pg' && engine !== 'sqlite') throw new Error('--engine pg or sqlite');
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'langnghe-votes-'));
  const dbName = `langnghe_votes_${process.pid}`;
  let dbUrl: string | null = null;
  if (engine === 'pg') {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
  }
  // One vote per participant per second at most (vote, then take it back): the default per-participant limit holds.
  const participants = rate;
  const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'votes-bench-secret-0123456789-0123456789', ADMIN_PASSWORD: 'votes-bench', ...(dbUrl && { DATABASE_URL: dbUrl }) });
  const database = await openDatabase({ databaseUrl: dbUrl, dataDir });
  const app = await buildApp({ config, db: database.port });
  try {
    await bootstrap(app.services, 'votes-bench');
    const s = app.services;
    const SYSTEM_ADMIN: Actor = { kind: 'staff', userId: 1, role: 'admin', displayName: 'admin' };
    const session = await s.sessions.create(SYSTEM_ADMIN, { title: 'Votes bench', audience: 'Mọi người', startsAt: new Date().toISOString(), moderation: 'post' });
    await s.sessions.update(SYSTEM_ADMIN, session.id, { status: 'open' });
    await s.sessions.update(SYSTEM_ADMIN, session.id, { status: 'live' });
    const actors: Actor[] = [];
    for (let i = 0; i < participants; i++) {
      const joined = await s.participants.join({ code: session.code, displayName: `Người ${i}` });
      actors.push({ kind: 'participant', participantId: joined.participant.id, sessionId: session.id });
    }
    const asker = actors[0]!;
    // Each participant's last answered action decides whether its vote is stored at the end.
    const voted = new Array<boolean>(participants).fill(false);
    const q = await s.questions.submit(asker, session.id, { text: 'Câu hỏi được nhiều người quan tâm nhất?' });

    const latencies: number[] = [];
    let failed = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const started = performance.now();
    const tickMs = 10;
    const perTick = (rate * tickMs) / 1000;
    const pending: Promise<void>[] = [];
    let sent = 0;
    for (let tick = 0; tick < (seconds * 1000) / tickMs; tick++) {
      const due = Math.floor((tick + 1) * perTick) - Math.floor(tick * perTick);
      for (let k = 0; k < due; k++) {
        const n = sent++;
        const actor = actors[n % participants]!;
        const round = Math.floor(n / participants);
        const t0 = performance.now();
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const add = round % 2 === 0;
        const op = add ? s.questions.vote(actor, q.id) : s.questions.unvote(actor, q.id);
        pending.push(
          op.then(
            () => {
              latencies.push(performance.now() - t0);
              voted[n % participants] = add;
            },
            () => void failed++,
          ).finally(() => inFlight--),
        );
      }
      const next = started + (tick + 1) * tickMs;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const offeredFor = (performance.now() - started) / 1000;
    await Promise.all(pending);
    const drained = (performance.now() - started) / 1000;
    const rows = (await database.port.prepare<[number], { n: number }>({ sqlite: 'select count(*) as n from votes where question_id = ?', pg: 'select count(*) as n from votes where question_id = $1' }).get(q.id))!.n;
    const counter = (await database.port.prepare<[number], { v: number }>({ sqlite: 'select votes as v from questions where id = ?', pg: 'select votes as v from questions where id = $1' }).get(q.id))!.v;
    const lat = summarize(latencies);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      [
        `engine ${engine}: ${sent} votes offered at ${rate}/s on one question over ${offeredFor.toFixed(1)} s, all answered after ${drained.toFixed(1)} s`,
        `  acked ${latencies.length}, failed ${failed}; ack p50 ${ms(lat.p50)}, p99 ${ms(lat.p99)}, max ${ms(lat.max)}`,
        `  most votes waiting at once: ${maxInFlight} (a backlog grows without bound; a steady state stays near rate × ack time)`,
        `  stored: ${rows} vote rows (expected ${voted.filter(Boolean).length}), counter ${counter} (${rows === counter ? 'equal' : 'NOT EQUAL'})`,
      ].join('\n'),
    );
  } finally {
    await app.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'pg') {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }
}

await main();
