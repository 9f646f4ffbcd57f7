import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LoadClient, type Acked } from './lib/load';
import { freePort, joinAs, liveSession, startServer, stopServer, tempDataDir } from './lib/server';

const KILLS = 6;
const CLIENTS = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Checks the stored record against everything the clients were told was done. */
function verify(file: string, acked: Acked) {
  const db = new Database(file, { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const rows = db.prepare('select id, participant_id as participantId, client_id as clientId, votes from questions').all() as {
      id: number;
      participantId: number;
      clientId: string | null;
      votes: number;
    }[];
    const byKey = new Map(rows.map((r) => [`${r.participantId}|${r.clientId}`, r]));
    const lostQuestions = acked.questions.filter((a) => byKey.get(`${a.participantId}|${a.clientId}`)?.id !== a.id);
    const has = db.prepare('select 1 from votes where question_id = ? and participant_id = ?');
    const lostVotes = acked.votes.filter((v) => !has.get(v.questionId, v.participantId));
    const duplicated = db
      .prepare('select participant_id, client_id, count(*) n from questions group by participant_id, client_id having n > 1')
      .all();
    // The counter kept on the question must agree with the vote rows.
    const drift = db
      .prepare('select q.id from questions q where q.votes <> (select count(*) from votes v where v.question_id = q.id)')
      .all();
    return { integrity, rows: rows.length, votes: (db.prepare('select count(*) n from votes').get() as { n: number }).n, lostQuestions, lostVotes, duplicated, drift };
  } finally {
    db.close();
  }
}

interface Outcome {
  restarts: number;
  acked: Acked;
  result: ReturnType<typeof verify>;
  exits: { code: number | null; signal: NodeJS.Signals | null }[];
  errorLines: string[];
}

/**
 * Runs CLIENTS real socket.io clients against the real server and, at random
 * moments, stops it with `signal` and starts it again on the same DATA_DIR.
 */
async function underLoad(dataDir: string, signal: NodeJS.Signals, times: number, label: string): Promise<Outcome> {
  const port = await freePort();
  // Per-participant limits off: the point is a steady stream of writes at the moment of each stop.
  const env = { RATE_LIMIT_QUESTIONS_PER_MINUTE: '0', RATE_LIMIT_VOTES_PER_MINUTE: '0', JWT_SECRET: 'resilience-secret-0123456789-0123456789' };
  let server = await startServer(dataDir, port, env);
  const runs = [server];
  try {
    const { sessionId, code } = await liveSession(server.url);
    const acked: Acked = { questions: [], votes: [] };
    const clients: LoadClient[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const p = await joinAs(server.url, code, i);
      clients.push(new LoadClient(server.url, p.token, p.participantId, sessionId, acked, 5));
    }
    clients.forEach((c) => c.start());

    let restarts = 0;
    const ackedAtStop: number[] = [];
    const exits: Outcome['exits'] = [];
    for (let k = 0; k < times; k++) {
      await sleep(400 + Math.random() * 1200); // a random moment, with the load running
      ackedAtStop.push(acked.questions.length + acked.votes.length);
      server.proc.kill(signal);
      exits.push(await server.exited);
      server = await startServer(dataDir, port, env);
      runs.push(server);
      restarts++;
    }
    // Let everyone reconnect and get some work done after the last restart.
    const before = acked.questions.length;
    const until = Date.now() + 15_000;
    while (acked.questions.length < before + CLIENTS && Date.now() < until) await sleep(50);
    await Promise.all(clients.map((c) => c.stop()));
    exits.push(await stopServer(server, 'SIGTERM'));

    const result = verify(join(dataDir, 'lang-nghe.db'), acked);
    const sent = clients.reduce((n, c) => n + c.sent, 0);
    const errors: Record<string, number> = {};
    for (const c of clients) for (const [k, v] of c.errors) errors[k] = (errors[k] ?? 0) + v;
    // Errors the server logged (pino level 50+): a handler that threw under load.
    const errorLines = runs.flatMap((r) => r.stdout().split('\n').filter((l) => /"level":(5|6)0/.test(l)));
    const distinctVotes = new Set(acked.votes.map((v) => `${v.questionId}|${v.participantId}`)).size;
    console.log(
      `[${label}] ${signal} restarts survived: ${restarts}; acknowledged questions ${acked.questions.length}, distinct votes ${distinctVotes} ` +
        `(acked before each stop: ${ackedAtStop.join(', ')}); emits ${sent}; stored questions ${result.rows}, votes ${result.votes}; ` +
        `acknowledged actions lost: questions ${result.lostQuestions.length}, votes ${result.lostVotes.length}; duplicated ${result.duplicated.length}; ` +
        `integrity ${result.integrity}; server error log lines ${errorLines.length}; exits ${JSON.stringify(exits)}; retried after ${JSON.stringify(errors)}`,
    );
    return { restarts, acked, result, exits, errorLines };
  } finally {
    if (server.proc.exitCode === null && server.proc.signalCode === null) await stopServer(server, 'SIGKILL');
  }
}

function expectNothingLost(o: Outcome, times: number, minQuestions: number) {
  expect(o.restarts).toBe(times);
  expect(o.acked.questions.length).toBeGreaterThan(minQuestions);
  expect(o.acked.votes.length).toBeGreaterThan(0);
  expect(o.result.integrity).toBe('ok');
  expect(o.result.lostQuestions).toEqual([]);
  expect(o.result.lostVotes).toEqual([]);
  expect(o.result.duplicated).toEqual([]);
  expect(o.result.drift).toEqual([]);
  expect(o.errorLines).toEqual([]);
}

describe('crash durability', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it(`loses no acknowledged question or vote across ${KILLS} SIGKILLs under load`, async () => {
    const o = await underLoad(data.dir, 'SIGKILL', KILLS, 'crash');
    expect(o.exits.slice(0, KILLS).every((e) => e.signal === 'SIGKILL')).toBe(true);
    expectNothingLost(o, KILLS, KILLS * CLIENTS);
  });
});

describe('graceful shutdown', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it('stops on SIGTERM under load with exit code 0 and loses no acknowledged action', async () => {
    const o = await underLoad(data.dir, 'SIGTERM', 3, 'shutdown');
    // Each stop was a clean exit, within the 10 s the server allows itself.
    expect(o.exits.map((e) => e.code)).toEqual([0, 0, 0, 0]);
    expectNothingLost(o, 3, 3 * CLIENTS);
  });
});
