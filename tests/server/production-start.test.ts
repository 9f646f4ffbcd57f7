/**
 * The production start as the README gives it: `npm run build` once, then
 * `npm start` (= `node dist/server/main.js`) with only the production
 * dependencies installed.
 *
 * `npm ci --omit=dev` in a temporary directory would take minutes on CI, so
 * the pruned install is built from the lockfile instead: a directory holding
 * dist/, migrations/, package.json and a node_modules with a link to each
 * top-level package the lockfile does not mark `dev` (what --omit=dev
 * installs), started with --preserve-symlinks so that no module can be
 * found through the repository's full node_modules. Built by `npm test`
 * (which runs `npm run build` first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>;
};

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

interface Started {
  proc: ChildProcess;
  url: string;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function start(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const proc = spawn(cmd, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.once('exit', (code, signal) => r({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 20_000;
  for (;;) {
    if (gone) throw new Error(`server exited during start:\n${out}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error(`no answer in 20 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, url, out: () => out, exited };
}

async function listening(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/api/health`);
    return true;
  } catch {
    return false;
  }
}

describe('production build', () => {
  const built = existsSync(join(ROOT, 'dist/server/main.js')) && existsSync(join(ROOT, 'dist/client/index.html'));

  it('exists (npm run build)', () => {
    expect(built, 'run `npm run build` first (npm test does)').toBe(true);
  });

  it('imports at run time only Node built-ins and production dependencies', () => {
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist/server/meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const externals = new Set(
      Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)),
    );
    const builtins = new Set(builtinModules);
    const packages = [...externals].filter((p) => !p.startsWith('node:') && !builtins.has(p)).map(packageOf);
    expect(packages.length).toBeGreaterThan(5);
    const notProd = packages.filter((p) => !(p in pkg.dependencies));
    expect(notProd, 'imported by the server bundle but not in "dependencies"').toEqual([]);
    // Nothing that only builds or tests belongs in production.
    for (const dev of ['tsx', 'esbuild', 'vite', 'vitest', 'typescript', 'svelte']) expect(pkg.dependencies).not.toHaveProperty(dev);
    // exec: npm's shell becomes the server, so the SIGTERM npm passes on reaches it.
    expect(pkg.scripts.start).toBe('exec node dist/server/main.js');
  });

  describe('started with devDependencies pruned', () => {
    let dir = '';
    let server: Started | null = null;

    beforeAll(() => {
      if (!built) return;
      dir = mkdtempSync(join(tmpdir(), 'langnghe-prod-'));
      for (const d of ['dist/server', 'dist/client', 'migrations']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      // What `npm ci --omit=dev` installs at the top level (nested copies come along inside their parents).
      for (const [key, info] of Object.entries(lock.packages)) {
        const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key);
        if (!m || info.dev) continue;
        const source = join(ROOT, key);
        if (!existsSync(source)) continue; // an optional package for another platform
        const target = join(dir, 'node_modules', m[1]!);
        mkdirSync(dirname(target), { recursive: true });
        symlinkSync(source, target, 'dir');
      }
      expect(existsSync(join(dir, 'node_modules/tsx'))).toBe(false);
      expect(existsSync(join(dir, 'node_modules/vite'))).toBe(false);
      expect(existsSync(join(dir, 'node_modules/fastify'))).toBe(true);
    });

    afterAll(async () => {
      if (server && server.proc.exitCode === null) server.proc.kill('SIGKILL');
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('serves the app compressed and cached right, and stops on SIGTERM', { timeout: 60_000 }, async () => {
      expect(built).toBe(true);
      server = await start(
        process.execPath,
        ['--preserve-symlinks', '--preserve-symlinks-main', 'dist/server/main.js'],
        dir,
        { DATA_DIR: join(dir, 'data'), ADMIN_PASSWORD: 'production-start-1', PUBLIC_URL: 'http://192.168.1.50:3000/' },
      );
      const { url } = server;
      // The banner: the public address for phones, and the first start's join link on it.
      expect(server.out()).toContain('Public address (links and QR codes): http://192.168.1.50:3000');
      expect(server.out()).toMatch(/join code: [A-Z0-9]{6} {3}\(http:\/\/192\.168\.1\.50:3000\/j\/[A-Z0-9]{6}\)/);
      expect(server.out()).not.toMatch(/ExperimentalWarning|DeprecationWarning|Error/);

      // The page: never cached without a check; CSP that works over plain http on a LAN.
      const page = await fetch(`${url}/j/ABCDEF`, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(page.headers.get('strict-transport-security')).toBeNull();
      const html = await page.text(); // fetch decodes br
      const script = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeTruthy();

      // A hashed asset: brotli (or gzip) as asked, cached for good.
      const raw = readFileSync(join(dir, 'dist/client', script!));
      for (const [enc, expected] of [['br', 'br'], ['gzip', 'gzip'], ['identity', null]] as const) {
        const res = await fetch(`${url}${script}`, { headers: { 'accept-encoding': enc } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-encoding')).toBe(expected);
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
        expect(Buffer.from(await res.arrayBuffer()).equals(raw)).toBe(true);
      }
      // Node's fetch always decodes: check the bytes on the wire are the .br file.
      const wire = await new Promise<Buffer>((res, rej) => {
        import('node:http').then(({ get }) =>
          get(`${url}${script}`, { headers: { 'accept-encoding': 'br' } }, (r) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => res(Buffer.concat(chunks)));
          }).on('error', rej),
        );
      });
      expect(wire.length).toBeLessThan(raw.length / 2);
      expect(brotliDecompressSync(wire).equals(raw)).toBe(true);

      // A chunk that is not there (an old build's): 404, not the page as HTML.
      const missing = await fetch(`${url}/assets/ParticipantView-gone0000.js`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/json/);

      // The API works (the database was created and migrated from the copied migrations).
      expect(readdirSync(join(dir, 'data'))).toContain('lang-nghe.db');
      const settings = (await (await fetch(`${url}/api/settings/public`)).json()) as { publicUrl: string };
      expect(settings.publicUrl).toBe('http://192.168.1.50:3000');

      // SIGTERM to the server process: it closes and exits by itself.
      server.proc.kill('SIGTERM');
      const exit = await server.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(await listening(url)).toBe(false);
    });

    it('`npm start` runs it without rebuilding, and a SIGTERM to npm leaves nothing running', { timeout: 60_000 }, async () => {
      expect(built).toBe(true);
      // Listening on every interface, without PUBLIC_URL: the banner names the LAN addresses phones can use.
      const npm = await start('npm', ['start', '--silent'], dir, {
        DATA_DIR: join(dir, 'data2'),
        NODE_OPTIONS: '--preserve-symlinks',
        HOST: '0.0.0.0',
      });
      expect(npm.out()).not.toMatch(/vite|building/i);
      const port = new URL(npm.url).port;
      const lan = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && a.family === 'IPv4' && !a.internal)
        .map((a) => `http://${a!.address}:${port}`);
      if (lan.length > 0) {
        expect(npm.out()).toContain(`On the local network: ${lan.join('  ')}`);
        expect(npm.out()).toContain(`(${lan[0]}/j/`);
        expect(npm.out()).toContain('Set PUBLIC_URL');
      } else {
        expect(npm.out()).not.toContain('On the local network');
      }
      npm.proc.kill('SIGTERM');
      await npm.exited;
      const until = Date.now() + 10_000;
      while ((await listening(npm.url)) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(await listening(npm.url)).toBe(false);
    });
  });
});

