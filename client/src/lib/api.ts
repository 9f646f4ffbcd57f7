import type { ApiErrorBody } from '../../../shared/errors';
import type { ClientErrorCode } from './i18n/i18n.svelte';

/** A failed call, carrying the server's stable code (or NETWORK / TIMEOUT). */
export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    readonly status: number,
    message: string = code,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** The code of any thrown value, for the dictionaries. */
export const errorCodeOf = (e: unknown): ClientErrorCode => (isApiError(e) ? e.code : 'INTERNAL');

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

function isErrorBody(v: unknown): v is ApiErrorBody {
  return typeof v === 'object' && v !== null && 'error' in v && typeof (v as ApiErrorBody).error?.code === 'string';
}

async function send(method: Method, path: string, token: string | null | undefined, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError('NETWORK', 0);
  }
  if (!res.ok) {
    let parsed: unknown = null;
    try {
      parsed = await res.json();
    } catch {
      // proxies answer with HTML; the status is all we have
    }
    if (isErrorBody(parsed)) throw new ApiError(parsed.error.code, res.status, parsed.error.message);
    throw new ApiError(res.status === 404 ? 'NOT_FOUND' : res.status === 429 ? 'RATE_LIMITED' : 'INTERNAL', res.status);
  }
  return res;
}

/** JSON call: resolves with the typed body or throws an ApiError. */
export async function api<T>(method: Method, path: string, opts: { token?: string | null; body?: unknown } = {}): Promise<T> {
  const res = await send(method, path, opts.token, opts.body);
  return (await res.json()) as T;
}

/** A call answered with 204 No Content. */
export async function send204(method: Method, path: string, token: string | null | undefined, body?: unknown): Promise<void> {
  await send(method, path, token, body);
}

/**
 * Exports need the Bearer header, so a plain link cannot fetch them: fetch
 * the bytes and hand the browser an object URL.
 */
export async function download(path: string, token: string, fallbackName: string): Promise<void> {
  const res = await send('GET', path, token);
  const blob = await res.blob();
  const name = fileNameOf(res.headers.get('content-disposition') ?? '');
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name ?? fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The Vietnamese name (RFC 5987 `filename*`) before the ASCII fallback. */
export function fileNameOf(disposition: string): string | null {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star.trim());
    } catch {
      // malformed escape: fall through to the plain name
    }
  }
  return /filename="([^"]+)"/i.exec(disposition)?.[1] ?? null;
}

/** Opens an authenticated HTML document (printable minutes) in a new tab. */
export async function openAuthenticated(path: string, token: string): Promise<void> {
  const res = await send('GET', path, token);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
