import type { FastifyError, FastifyInstance } from 'fastify';
import type { ApiErrorBody, ErrorCode } from '../../shared/errors';
import type { RetriesExhausted } from '../db/retry';
import { domainErrorOf, type DomainError } from '../domain/errors';

const body = (code: ErrorCode, message: string): ApiErrorBody => ({ error: { code, message } });

const FASTIFY_CODES: Record<string, [number, ErrorCode]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'INVALID_JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'INVALID_JSON'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'INVALID_PAYLOAD'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'INVALID_PAYLOAD'],
  FST_ERR_CTP_INVALID_TYPE: [400, 'INVALID_PAYLOAD'],
};

/** One shape for every error; a 5xx never carries internals. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError | DomainError | RetriesExhausted, req, reply) => {
    const domain = domainErrorOf(thrown);
    if (domain) {
      return reply.status(domain.status).send(body(domain.code, domain.message));
    }
    // What is left: Fastify's own (validation, body parser, rate limit) or a bug.
    const err = thrown as FastifyError;
    if (err.validation) {
      return reply.status(400).send(body('INVALID_PAYLOAD', err.message));
    }
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) return reply.status(mapped[0]).send(body(mapped[1], err.message));
    if (err.statusCode === 429) return reply.status(429).send(body('RATE_LIMITED', 'too many requests; slow down'));
    if (err instanceof SyntaxError) return reply.status(400).send(body('INVALID_JSON', 'the body is not valid JSON'));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send(body('INVALID_PAYLOAD', err.message));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(body('INTERNAL', 'internal error'));
  });
}

export const errorResponse = (code: ErrorCode, message: string): ApiErrorBody => body(code, message);
