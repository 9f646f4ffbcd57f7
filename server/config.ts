import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  jwtSecret: string;
  adminPassword: string | null;
  orgName: string;
  /** Abbreviation of the organising body in document numbers ("Số: 12/BB-UBND"); the admin's settings page overrides it. */
  orgAbbreviation: string;
  /** The address phones use to reach this server ("http://192.168.1.10:3000"); links and QR codes use it. The settings page overrides it. */
  publicUrl: string | null;
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
    /** Joins per minute from one address (0: no limit). A hall of 300 behind one NAT must pass. */
    joinsPerIpPerMinute: number;
    /** Failed logins per address per 15 minutes, whatever the username (0: no limit). */
    loginFailuresPerIp: number;
    /** Questions a post-moderated session publishes at once per minute; more wait for a moderator (0: no limit). */
    postModerationPublishPerMinute: number;
  };
  /** Password hashes running at once; more sign-ins are answered 503 at once. */
  loginConcurrentHashes: number;
  /** Sockets one participant token may hold open at once (phone, a second tab, a reconnect overlapping). */
  maxSocketsPerParticipant: number;
  /** Sockets from one client address (0: no cap). A hall behind one NAT shares an address. */
  maxSocketsPerIp: number;
  /** Backups older than this many days are deleted (the newest is always kept); 0 keeps all. */
  backupKeepDays: number;
  logLevel: string;
  clientDir: string;
  /** HMAC-SHA256 key the SMS gateway signs its posts with; null: SMS intake is off. */
  smsWebhookSecret: string | null;
  /** How far an SMS's receivedAt may be from now, in seconds (replay protection). */
  smsWindowSeconds: number;
  /** SMS questions per phone number per minute (0: no limit). */
  smsPerMinute: number;
  /**
   * Several identical nodes serve the same sessions (REDIS_URL or DATABASE_URL set).
   * null: one process, everything in memory, exactly as without this section.
   */
  cluster: ClusterConfig | null;
  /** This process among the nodes (NODE_ID, default hostname-pid): health, leases, logs. */
  nodeId: string;
}

export interface ClusterConfig {
  /** Realtime fan-out, sequence numbers, tally lease, shared limits. */
  redisUrl: string | null;
  databaseUrl: string | null;
  /** Put before every key and channel this deployment uses in Redis (REDIS_PREFIX), so that two deployments (or test runs) can share one Redis. */
  redisPrefix: string;
}

const int = (v: string | undefined, fallback: number): number => {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got "${v}"`);
  return n;
};

/**
 * The JWT secret: from the environment, else generated once and kept in
 * DATA_DIR. Not in cluster mode: each node would generate its own, and a
 * token signed by one node would be refused by the next.
 */
function loadJwtSecret(dataDir: string, fromEnv: string | undefined, cluster: boolean): string {
  if (fromEnv) return fromEnv;
  if (cluster) {
    throw new Error('JWT_SECRET is required in cluster mode (REDIS_URL or DATABASE_URL set): every node must sign and check tokens with the same secret');
  }
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

/** PUBLIC_URL: an absolute http(s) URL, kept without a trailing slash; empty means "not set". */
export function publicUrl(raw: string): string | null {
  const v = raw.trim();
  if (v === '') return null;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`PUBLIC_URL="${raw}" is not a URL; give the address phones use, e.g. PUBLIC_URL=http://192.168.1.10:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`PUBLIC_URL="${raw}": only http and https`);
  return url.href.replace(/\/+$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  // Owner only: the database, its WAL, the backups and the signing key hold personal data and secrets.
  if (!existsSync(dataDir)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
  }
  const trustProxyRaw = env.TRUST_PROXY ?? '';
  const redisUrl = env.REDIS_URL || null;
  const databaseUrl = env.DATABASE_URL || null;
  const cluster: ClusterConfig | null = redisUrl || databaseUrl ? { redisUrl, databaseUrl, redisPrefix: env.REDIS_PREFIX ?? '' } : null;
  return {
    port: int(env.PORT, 3000),
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    jwtSecret: loadJwtSecret(dataDir, env.JWT_SECRET, cluster !== null),
    adminPassword: env.ADMIN_PASSWORD || null,
    orgName: env.ORG_NAME || 'UBND TỈNH TUYÊN QUANG',
    orgAbbreviation: (env.ORG_ABBREVIATION || 'UBND').trim(),
    publicUrl: publicUrl(env.PUBLIC_URL ?? ''),
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
      joinsPerIpPerMinute: int(env.RATE_LIMIT_JOINS_PER_IP_PER_MINUTE, 600),
      loginFailuresPerIp: int(env.RATE_LIMIT_LOGIN_FAILURES_PER_IP, 30),
      postModerationPublishPerMinute: int(env.POST_MODERATION_PUBLISH_PER_MINUTE, 120),
    },
    loginConcurrentHashes: Math.max(1, int(env.LOGIN_MAX_CONCURRENT_HASHES, 2)),
    maxSocketsPerParticipant: int(env.MAX_SOCKETS_PER_PARTICIPANT, 5) || Number.MAX_SAFE_INTEGER,
    maxSocketsPerIp: int(env.MAX_SOCKETS_PER_IP, 10_000) || Number.MAX_SAFE_INTEGER,
    backupKeepDays: int(env.BACKUP_KEEP_DAYS, 30),
    logLevel: env.LOG_LEVEL || 'info',
    clientDir: resolve(env.CLIENT_DIR ?? 'dist/client'),
    smsWebhookSecret: env.SMS_WEBHOOK_SECRET || null,
    smsWindowSeconds: int(env.SMS_WINDOW_SECONDS, 300),
    smsPerMinute: int(env.RATE_LIMIT_SMS_PER_MINUTE, 3),
    cluster,
    nodeId: env.NODE_ID || `${hostname()}-${process.pid}`,
  };
}
