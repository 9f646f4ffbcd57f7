import type { ErrorCode } from '../../shared/errors';
import { RetriesExhausted } from '../db/retry';

const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_PAYLOAD: 400,
  INVALID_JSON: 400,
  QUESTION_TOO_LONG: 400,
  QUESTION_EMPTY: 400,
  ANONYMOUS_NOT_ALLOWED: 400,
  MERGE_TARGET_INVALID: 400,
  INVALID_SETTING: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  USER_DISABLED: 401,
  FORBIDDEN: 403,
  NOT_ASSIGNED: 403,
  PANEL_SEAT_REQUIRED: 400,
  PANEL_SEAT_INVALID: 400,
  WRONG_PASSWORD: 400,
  SESSION_ARCHIVED: 409,
  BACKUP_EXTERNAL: 409,
  PANEL_SEAT_IN_USE: 409,
  WRONG_SESSION: 403,
  SESSION_NOT_PUBLIC: 403,
  QUESTION_NOT_VISIBLE: 404,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  QUESTION_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  FOLLOWUP_NOT_FOUND: 404,
  USERNAME_TAKEN: 409,
  ILLEGAL_TRANSITION: 409,
  SESSION_NOT_JOINABLE: 409,
  SESSION_CLOSED: 409,
  SESSION_NOT_ACCEPTING: 409,
  ILLEGAL_QUESTION_STATE: 409,
  CONFLICT: 409,
  NO_WRITTEN_ANSWER: 409,
  PAYLOAD_TOO_LARGE: 413,
  PARTICIPANT_BANNED: 403,
  RATE_LIMITED: 429,
  TOO_MANY_SOCKETS: 429,
  SMS_SIGNATURE_INVALID: 401,
  SMS_INTAKE_DISABLED: 403,
  SMS_REPLAYED: 409,
  SMS_STALE: 400,
  LOCALITY_UNKNOWN: 400,
  UNIT_NOT_FOUND: 404,
  INVALID_PERIOD: 400,
  INTERNAL: 500,
  SERVER_BUSY: 503,
};

/** A rule of the domain said no. Carries a stable code; the transport picks the status. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message?: string) {
    super(message ?? code);
    this.name = 'DomainError';
    this.code = code;
    this.status = STATUS[code] ?? 400;
  }
}

export const fail = (code: ErrorCode, message?: string): never => {
  throw new DomainError(code, message);
};

/**
 * What the transports answer for an error, as a DomainError, or undefined
 * for an error that is a bug (logged, answered INTERNAL). The one place where
 * an error from below the domain gets a stable code: a PostgreSQL conflict
 * that outlasted its retries (group commit, vote batch) is the server being
 * busy, 503 SERVER_BUSY, over HTTP and in socket acks alike.
 */
export function domainErrorOf(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  if (err instanceof RetriesExhausted) return new DomainError('SERVER_BUSY', 'too many changes at once; please try again');
  return undefined;
}
