/**
 * Stable error codes. The server sends them, the client translates them
 * (see client/src/lib/i18n). Never rename one: integrators match on them.
 */
export const ErrorCodes = [
  'INVALID_PAYLOAD',
  'INVALID_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHORIZED',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'USER_DISABLED',
  'FORBIDDEN',
  'WRONG_SESSION',
  'NOT_FOUND',
  'SESSION_NOT_FOUND',
  'QUESTION_NOT_FOUND',
  'USER_NOT_FOUND',
  'USERNAME_TAKEN',
  'ILLEGAL_TRANSITION',
  'SESSION_NOT_JOINABLE',
  'SESSION_CLOSED',
  'SESSION_NOT_ACCEPTING',
  'QUESTION_TOO_LONG',
  'QUESTION_EMPTY',
  'ANONYMOUS_NOT_ALLOWED',
  'QUESTION_NOT_VISIBLE',
  'ILLEGAL_QUESTION_STATE',
  'MERGE_TARGET_INVALID',
  'RATE_LIMITED',
  'CONFLICT',
  'SESSION_NOT_PUBLIC',
  'FOLLOWUP_NOT_FOUND',
  'NO_WRITTEN_ANSWER',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string };
}
