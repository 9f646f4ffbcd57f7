import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  jwtSecret: string;
  adminPassword: string | null;
  orgName: string;
  /** Origins allowed to open sockets besides the server's own; `*` allows any. */
  allowedOrigins: string[];
  trustProxy: boolean | string;
  staffTokenTtl: string;
  participantTokenTtl: string;
  rateLimit: {
    /** Requests per minute from one IP address (a whole hall may share one NAT). */
    ipPerMinute: number;
    /** Questions a participant may submit per minute. */
    questionsPerMinute: number;
    /** Votes and unvotes a participant may cast per minute. */
    votesPerMinute: number;
    /** Failed logins per username+IP per 15 minutes before slowing down. */
    loginAttempts: number;
  };
  logLevel: string;
  clientDir: string;
}

const int = (v: string | undefined, fallback: number): number => {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got "${v}"`);
  return n;
};

/** The JWT secret: from the environment, else generated once and kept in DATA_DIR. */
function loadJwtSecret(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/**
 * `true` (trust whoever connects: only when nothing but the proxy can reach
 * the server) or the proxy's addresses/CIDRs ("127.0.0.1,10.0.0.0/8").
 * Fastify ignores a hop count ("1") on purpose, which would silently put a
 * whole city behind the proxy's one address: refuse it at start instead.
 */
function trustProxy(raw: string): boolean | string {
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    throw new Error(`TRUST_PROXY="${raw}": a hop count is not supported; give the proxy's address, e.g. TRUST_PROXY=127.0.0.1`);
  }
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  mkdirSync(dataDir, { recursive: true });
  const trustProxyRaw = env.TRUST_PROXY ?? '';
  return {
    port: int(env.PORT, 3000),
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    jwtSecret: loadJwtSecret(dataDir, env.JWT_SECRET),
    adminPassword: env.ADMIN_PASSWORD || null,
    orgName: env.ORG_NAME || 'UBND TỈNH TUYÊN QUANG',
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    trustProxy: trustProxy(trustProxyRaw),
    staffTokenTtl: env.STAFF_TOKEN_TTL || '12h',
    participantTokenTtl: env.PARTICIPANT_TOKEN_TTL || '30d',
    rateLimit: {
      // 0 turns the limit off, as for the other limits (to @fastify/rate-limit, max 0 would refuse everything).
      ipPerMinute: int(env.RATE_LIMIT_IP_PER_MINUTE, 60_000) || Number.MAX_SAFE_INTEGER,
      questionsPerMinute: int(env.RATE_LIMIT_QUESTIONS_PER_MINUTE, 10),
      votesPerMinute: int(env.RATE_LIMIT_VOTES_PER_MINUTE, 120),
      loginAttempts: int(env.RATE_LIMIT_LOGIN_ATTEMPTS, 10),
    },
    logLevel: env.LOG_LEVEL || 'info',
    clientDir: resolve(env.CLIENT_DIR ?? 'dist/client'),
  };
}
