import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';
import { ErrorCodes } from '../../../shared/errors';
import { Venue } from '../../../shared/schemas/entities';
import { CreateVenueBody, IdParams, SmsIntakeBody, UpdateVenueBody } from '../../../shared/schemas/requests';
import { DomainError } from '../../domain/errors';
import { SmsRefusal } from '../../domain/venues/sms-intake.service';
import { bearer, errors } from '../schemas';

/** `sha256=<hex>` of HMAC-SHA256(secret, raw body), compared in constant time. */
export function signatureValid(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(m[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const SmsRefused = Type.Object({
  error: Type.Object({ code: Type.Enum(ErrorCodes), message: Type.String() }),
  /** What the gateway may send back to the phone (Vietnamese); absent for a malformed post. */
  reply: Type.Optional(Type.String()),
});
const SmsAccepted = Type.Object({
  accepted: Type.Literal(true),
  reply: Type.String(),
  question: Type.Object({ id: Type.Integer(), number: Type.Integer(), trackingCode: Type.String(), sessionId: Type.Integer(), venueId: Type.Union([Type.Integer(), Type.Null()]) }),
});

export const venueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['venues'];
  const { venues, smsIntake } = app.services;

  app.get(
    '/sessions/:id/venues',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The linked venues (điểm cầu) of a session, each with its own join code (staff of the session)',
        params: IdParams,
        response: { 200: Type.Array(Venue), ...errors(401, 403, 404) },
      },
    },
    async (req) => await venues.list(req.actor, req.params.id),
  );

  app.post(
    '/sessions/:id/venues',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Add a linked venue (admin): name, locality, attendance; gets its own join code, unique among reachable codes',
        params: IdParams,
        body: CreateVenueBody,
        response: { 201: Venue, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await venues.create(req.actor, req.params.id, req.body)),
  );

  app.patch(
    '/venues/:id',
    {
      schema: {
        tags,
        security: bearer,
        summary: "A venue's attendance as counted there, for the minutes (secretary, admin of the session); its name and locality (admin)",
        params: IdParams,
        body: UpdateVenueBody,
        response: { 200: Venue, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => await venues.update(req.actor, req.params.id, req.body),
  );

  // The SMS gateway signs the raw body: keep it, in this plugin only.
  const smsPlugin: FastifyPluginAsyncTypebox = async (sms) => {
    sms.removeContentTypeParser('application/json');
    sms.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
      (req as unknown as { rawBody: Buffer }).rawBody = body as Buffer;
      try {
        done(null, JSON.parse((body as Buffer).toString('utf8')));
      } catch {
        done(new DomainError('INVALID_JSON', 'the body is not valid JSON'), undefined);
      }
    });
    sms.post(
      '/intake/sms',
      {
        // The signature, not a token, says who is calling.
        preValidation: async (req) => {
          const secret = app.config.smsWebhookSecret;
          if (!secret) throw new DomainError('SMS_INTAKE_DISABLED', 'SMS_WEBHOOK_SECRET is not set');
          const raw = (req as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
          const header = req.headers['x-signature'];
          if (!signatureValid(secret, raw, Array.isArray(header) ? header[0] : header)) {
            throw new DomainError('SMS_SIGNATURE_INVALID', 'X-Signature is not sha256=<hex HMAC of the body>');
          }
        },
        schema: {
          tags,
          summary:
            'A question by SMS from the gateway. Body signed with HMAC-SHA256 of SMS_WEBHOOK_SECRET in `X-Signature: sha256=<hex>`; the text starts with a session or venue code; receivedAt within SMS_WINDOW_SECONDS of now; each messageId once. 200 with the reply to send back (tracking code); a refusal carries `reply` too (why, in Vietnamese).',
          body: SmsIntakeBody,
          response: { 200: SmsAccepted, 400: SmsRefused, 401: Type.Ref('ErrorResponse'), 404: SmsRefused, 409: SmsRefused, 403: Type.Ref('ErrorResponse'), 429: SmsRefused },
        },
      },
      async (req, reply) => {
        try {
          return await smsIntake.intake(req.body);
        } catch (e) {
          if (e instanceof SmsRefusal) return reply.status(e.status as 409).send({ error: { code: e.code, message: e.message }, reply: e.reply });
          throw e;
        }
      },
    );
  };
  await app.register(smsPlugin);
};
