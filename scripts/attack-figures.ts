/**
 * The attacks of issue 12, measured against a real server on 127.0.0.1 (and
 * nowhere else): bounded loops, one laptop's worth. Starts the server of the
 * checkout given with --repo (default: this one) as a child process with a
 * fresh data directory, runs each attack, prints one line per figure and
 * stops it.
 *
 *   npx tsx scripts/attack-figures.ts                  # this checkout
 *   npx tsx scripts/attack-figures.ts --repo /tmp/base # another one (node_modules must be there)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const repo = resolve(arg('--repo', process.cwd()));
const ADMIN_PASSWORD = 'attack-figures-admin-password';

const freePort = () =>
  new Promise<number>((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out: Record<string, unknown> = {};
const say = (k: string, v: unknown) => {
  out[k] = v;
  console.log(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
};

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ln-attack-'));
  const clientDir = join(dataDir, 'client');
  mkdirSync(join(clientDir, 'assets'), { recursive: true });
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(clientDir, 'assets', 'app.js'), `// ${'x'.repeat(300_000)}\n`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(join(repo, 'node_modules/.bin/tsx'), ['server/main.ts'], {
    cwd: repo,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATA_DIR: join(dataDir, 'data'),
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_PASSWORD,
      CLIENT_DIR: clientDir,
      LOG_LEVEL: 'warn',
      // Behind "nginx" for the spoofing figure; requests without the header are direct.
      TRUST_PROXY: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stderr.on('data', (d: Buffer) => process.stderr.write(`[server] ${d}`));
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/api/health`)).ok) break;
      } catch {
        // not yet
      }
      if (i > 300) throw new Error('server did not start');
      await sleep(100);
    }
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const admin = ((await (await post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).json()) as { token: string }).token;
    const A = { authorization: `Bearer ${admin}` };
    const newSession = async (moderation: 'pre' | 'post') => {
      const s = (await (await post('/api/sessions', { title: 'Đối thoại', audience: 'Thanh niên', startsAt: '2026-12-15T01:30:00.000Z', moderation }, A)).json()) as { id: number; code: string };
      for (const status of ['open', 'live']) {
        await fetch(`${url}/api/sessions/${s.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...A }, body: JSON.stringify({ status }) });
      }
      return s;
    };

    // 1. Joins from one address, then votes from them on one question.
    const s = await newSession('post');
    const joinOnce = async (headers: Record<string, string> = {}) => {
      const r = await post('/api/join', { code: s.code }, headers);
      return { status: r.status, body: (await r.json()) as { token?: string; participant?: { id: number } } };
    };
    let t0 = Date.now();
    const first = await Promise.all(Array.from({ length: 300 }, () => joinOnce()));
    say('300 joins from one address', `${first.filter((r) => r.status === 200).length} accepted in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
    const flood: Record<number, number> = {};
    t0 = Date.now();
    for (let i = 0; i < 7; i++) for (const r of await Promise.all(Array.from({ length: 100 }, () => joinOnce()))) flood[r.status] = (flood[r.status] ?? 0) + 1;
    say('700 more joins from the same address within the minute (1,000 in all)', `${JSON.stringify(flood)} in ${((Date.now() - t0) / 1000).toFixed(2)} s`);

    const asker = first[0]!.body.token!;
    const q = (await (await post(`/api/sessions/${s.id}/questions`, { text: 'Câu hỏi bị bơm phiếu' }, { authorization: `Bearer ${asker}` })).json()) as { id: number };
    const staff = io(url, { path: '/socket.io', auth: { token: admin }, transports: ['websocket'], reconnection: false, forceNew: true });
    const alerts: unknown[] = [];
    staff.on('moderation:alert' as never, ((a: unknown) => alerts.push(a)) as never);
    await new Promise((r) => staff.once('connect', () => r(null)));
    await staff.timeout(5000).emitWithAck('session:join', { sessionId: s.id });
    t0 = Date.now();
    await Promise.all(first.map((j) => post(`/api/questions/${q.id}/vote`, {}, { authorization: `Bearer ${j.body.token}` })));
    const votes = ((await (await fetch(`${url}/api/sessions/${s.id}/questions`, { headers: A })).json()) as { id: number; votes: number }[]).find((x) => x.id === q.id)!.votes;
    await sleep(400);
    say('300 votes on one question from the 300 new participants', `${votes} votes counted in ${((Date.now() - t0) / 1000).toFixed(2)} s; moderator alerts: ${alerts.length}`);
    // The moderator bans 50 of them (the route exists only after the change).
    const ban = await post(`/api/participants/${first[1]!.body.participant!.id}/ban`, { reason: 'Bơm phiếu' }, A);
    if (ban.status === 200) {
      await Promise.all(first.slice(2, 51).map((j) => post(`/api/participants/${j.body.participant!.id}/ban`, { reason: 'Bơm phiếu' }, A)));
      const after = ((await (await fetch(`${url}/api/sessions/${s.id}/questions`, { headers: A })).json()) as { id: number; votes: number }[]).find((x) => x.id === q.id)!.votes;
      const refused = await post(`/api/questions/${q.id}/vote`, {}, { authorization: `Bearer ${first[1]!.body.token}` });
      say('after banning 50 of them', `${after} votes; a banned token voting again: ${refused.status} ${((await refused.json()) as { error?: { code: string } }).error?.code}`);
    } else say('after banning 50 of them', `no ban route (${ban.status})`);
    staff.close();

    // 2. 300 participants × 5 questions in a post-moderated session (each from its own address, as if through nginx).
    const pm = await newSession('post');
    const thirty = await Promise.all(Array.from({ length: 300 }, async (_, i) => (await (await post('/api/join', { code: pm.code }, { 'x-forwarded-for': `198.51.${100 + (i >> 8)}.${(i & 255) + 1}` })).json()) as { token: string }));
    t0 = Date.now();
    const qs: Response[] = [];
    for (let wave = 0; wave < thirty.length; wave += 20) {
      // 100 requests at a time (20 people × 5 questions).
      qs.push(...(await Promise.all(thirty.slice(wave, wave + 20).flatMap((p) => Array.from({ length: 5 }, (_, i) => post(`/api/sessions/${pm.id}/questions`, { text: `Câu hỏi rác số ${i} ${randomBytes(4).toString('hex')}` }, { authorization: `Bearer ${p.token}` }))))));
    }
    const qStatus: Record<string, number> = {};
    for (const r of qs) {
      const st = r.status === 200 ? ((await r.json()) as { status: string }).status : String(r.status);
      qStatus[st] = (qStatus[st] ?? 0) + 1;
    }
    say('300 participants × 5 questions, post-moderated', `${JSON.stringify(qStatus)} in ${((Date.now() - t0) / 1000).toFixed(2)} s`);

    // 3. Login flood with random usernames, while a phone loads the page's script.
    let stop = false;
    const assetTimes: number[] = [];
    const assets = (async () => {
      while (!stop) {
        const a0 = Date.now();
        const r = await fetch(`${url}/assets/app.js`);
        await r.arrayBuffer();
        assetTimes.push(Date.now() - a0);
        await sleep(20);
      }
    })();
    const logins: Record<number, number> = {};
    t0 = Date.now();
    for (let wave = 0; wave < 8; wave++) {
      const rs = await Promise.all(Array.from({ length: 50 }, () => post('/api/auth/login', { username: `u${randomBytes(6).toString('hex')}`, password: 'guess-guess' })));
      for (const r of rs) logins[r.status] = (logins[r.status] ?? 0) + 1;
    }
    const loginSeconds = (Date.now() - t0) / 1000;
    stop = true;
    await assets;
    say('400 logins with random usernames, 50 at a time', `${JSON.stringify(logins)} in ${loginSeconds.toFixed(1)} s (${Math.round(400 / loginSeconds)}/s)`);
    say('a 300 KB script loaded meanwhile', `${assetTimes.length} loads, slowest ${Math.max(...assetTimes)} ms, median ${[...assetTimes].sort((a, b) => a - b)[Math.floor(assetTimes.length / 2)]} ms`);

    // 4. Sockets on one participant token (bounded at 100).
    const ps = await newSession('post');
    const one = ((await (await post('/api/join', { code: ps.code }, { 'x-forwarded-for': '198.51.100.200' })).json()) as { token: string }).token;
    const socks: Socket[] = [];
    let refusedWith = '';
    for (let i = 0; i < 100; i++) {
      const sock = io(url, { path: '/socket.io', auth: { token: one }, transports: ['websocket'], reconnection: false, forceNew: true });
      const ok = await new Promise<boolean>((r) => {
        sock.once('connect', () => r(true));
        sock.once('connect_error', (e) => {
          refusedWith = e.message;
          r(false);
        });
      });
      if (ok) socks.push(sock);
      else sock.close();
    }
    say('sockets opened on one participant token (of 100 tried)', `${socks.length}${refusedWith ? `, then refused: ${refusedWith}` : ''}`);

    // 5. 20 sockets × 90 session:join (the first 20 sockets of 4 tokens, or of the one token before).
    const tokens = [one, ...(await Promise.all([1, 2, 3].map(async (i) => ((await (await post('/api/join', { code: ps.code }, { 'x-forwarded-for': `198.51.100.${210 + i}` })).json()) as { token: string }).token)))];
    for (const x of socks) x.close();
    await sleep(300);
    // 200 questions in the session so a snapshot has weight.
    const author = tokens[3]!;
    for (let i = 0; i < 40; i++) await post(`/api/sessions/${ps.id}/questions`, { text: `Câu hỏi ${i} ${'x'.repeat(300)}` }, { authorization: `Bearer ${author}` }).catch(() => null);
    const joiners: Socket[] = [];
    for (let i = 0; i < 20; i++) {
      const sock = io(url, { path: '/socket.io', auth: { token: tokens[i % 4] }, transports: ['websocket'], reconnection: false, forceNew: true });
      const ok = await new Promise<boolean>((r) => {
        sock.once('connect', () => r(true));
        sock.once('connect_error', () => r(false));
      });
      if (ok) joiners.push(sock);
    }
    let bytes = 0;
    let answered = 0;
    let worstHealth = 0;
    t0 = Date.now();
    const healthLoop = (async () => {
      while (Date.now() - t0 < 3000) {
        const h0 = Date.now();
        await fetch(`${url}/api/health`);
        worstHealth = Math.max(worstHealth, Date.now() - h0);
        await sleep(50);
      }
    })();
    await Promise.all(
      joiners.flatMap((sock) =>
        Array.from({ length: 90 }, () =>
          sock
            .timeout(10_000)
            .emitWithAck('session:join', { sessionId: ps.id })
            .then((ack: { ok: boolean }) => {
              if (ack.ok) {
                answered++;
                bytes += JSON.stringify(ack).length;
              }
            })
            .catch(() => null),
        ),
      ),
    );
    await healthLoop;
    say(`${joiners.length} sockets × 90 session:join`, `${answered} snapshots sent (${(bytes / 1e6).toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s; worst /api/health ${worstHealth} ms`);
    for (const x of joiners) x.close();

    // 6. X-Forwarded-For spoofing behind "nginx" (TRUST_PROXY=true): the client writes the leftmost entries.
    const sp = await newSession('post');
    const spoof: Record<number, number> = {};
    for (let i = 0; i < 8; i++) {
      const rs = await Promise.all(Array.from({ length: 100 }, () => post('/api/join', { code: sp.code }, { 'x-forwarded-for': `${randomBytes(1)[0]}.${randomBytes(1)[0]}.1.1, 203.0.113.9` })));
      for (const r of rs) spoof[r.status] = (spoof[r.status] ?? 0) + 1;
    }
    say('800 joins from one client via nginx, each with a made-up X-Forwarded-For', JSON.stringify(spoof));

    // 7. Text and files.
    const tx = await newSession('pre');
    const p = ((await (await post('/api/join', { code: tx.code, displayName: 'Chủ tịch UBND\u200b\u202e LIAM', contact: '0912345678' }, { 'x-forwarded-for': '198.51.100.250' })).json()) as { token: string });
    await post(`/api/sessions/${tx.id}/questions`, { text: `x;=cmd|' /C calc'!A0` }, { authorization: `Bearer ${p.token}` });
    const list = (await (await fetch(`${url}/api/sessions/${tx.id}/questions`, { headers: A })).json()) as { authorName: string }[];
    say('stored name', JSON.stringify(list[0]?.authorName));
    const csv = await (await fetch(`${url}/api/sessions/${tx.id}/questions.csv`, { headers: A })).text();
    say('CSV cells starting a formula under ; splitting', csv.split(/\r?\n/).flatMap((l) => l.split(';')).filter((c) => /^["\s]*[=+\-@]/.test(c)).length);
    await post('/api/admin/backups', {}, A);
    const dir = join(dataDir, 'data');
    const modes = [join(dir), join(dir, 'lang-nghe.db'), join(dir, 'lang-nghe.db-wal'), ...readdirSync(join(dir, 'backups')).map((f) => join(dir, 'backups', f))].map(
      (f) => `${f.slice(dir.length) || 'data dir'} ${(statSync(f).mode & 0o777).toString(8)}`,
    );
    say('file modes', modes.join(', '));
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
