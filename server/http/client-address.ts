import proxyAddr from '@fastify/proxy-addr';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export type TrustFn = (addr: string, hop: number) => boolean;

/**
 * What TRUST_PROXY means, as one function used by Fastify (req.ip) and by the
 * socket handshake alike. The client address is the rightmost address in
 * X-Forwarded-For that is not a trusted proxy: the address the trusted proxy
 * itself saw. Anything a client writes into X-Forwarded-For lands to the left
 * of that (nginx's $proxy_add_x_forwarded_for appends) and is never read.
 *
 * - `false`: no proxy; the connection's address, X-Forwarded-For ignored.
 * - `true`: exactly one proxy in front, whatever its address: the connection
 *   is the proxy, the last X-Forwarded-For entry is the client.
 * - a list of addresses/CIDRs: those are proxies, walked from the right.
 */
export function trustFunction(trust: boolean | string): TrustFn {
  if (trust === false) return () => false;
  if (trust === true) return (_addr, hop) => hop === 0;
  const list = trust.split(',').map((s) => s.trim()).filter(Boolean);
  return proxyAddr.compile(list);
}

/** The client address of a raw request (the socket handshake), by the same rule as req.ip. */
export function clientAddress(req: IncomingMessage, trust: TrustFn): string {
  try {
    return proxyAddr(req, trust) || req.socket.remoteAddress || 'unknown';
  } catch {
    return req.socket.remoteAddress || 'unknown';
  }
}

/** Risky TRUST_PROXY settings, said once at start. */
export function trustProxyWarnings(trust: boolean | string, host: string): string[] {
  const out: string[] = [];
  const loopbackHost = host === '127.0.0.1' || host === '::1' || host === 'localhost';
  if (trust === true && !loopbackHost) {
    out.push(
      `TRUST_PROXY=true and HOST=${host}: anyone who reaches this port directly (not through the proxy) chooses their own address with X-Forwarded-For. ` +
        'Set HOST=127.0.0.1 (proxy on the same machine), firewall the port, or set TRUST_PROXY to the proxy\'s address.',
    );
  }
  if (typeof trust === 'string') {
    for (const entry of trust.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [addr, bits] = entry.split('/');
      const prefix = bits === undefined ? undefined : Number(bits);
      const v = isIP(addr ?? '');
      if (prefix !== undefined && ((v === 4 && prefix < 8) || (v === 6 && prefix < 16))) {
        out.push(`TRUST_PROXY includes ${entry}: every address in that range may choose its own address with X-Forwarded-For. List only the proxy's address.`);
      }
    }
  }
  return out;
}
