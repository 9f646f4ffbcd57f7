import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { withoutNul } from '../../shared/text';

/**
 * Bodies are validated strictly (no type coercion, no silently dropped
 * fields: an integrator learns of a typo at once). Path and query strings
 * are strings on the wire, so they alone are coerced.
 */
export function registerValidation(app: FastifyInstance): void {
  const strict = addFormats(new Ajv({ allErrors: false, coerceTypes: false, useDefaults: true, removeAdditional: false, strict: false }));
  const coercing = addFormats(new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, strict: false }));
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    const validate = ajv.compile(schema);
    // Ajv's own function, NUL characters taken out first; it keeps Ajv's shape
    // (boolean, `.errors`, `schemaEnv`) so Fastify calls and reports it as before.
    const check = Object.assign(
      (data: unknown, ctx?: Parameters<typeof validate>[1]): boolean => {
        // In place: params, query and bodies are objects Fastify keeps.
        const ok = validate(withoutNul(data), ctx);
        check.errors = validate.errors;
        return ok;
      },
      { schemaEnv: validate.schemaEnv, errors: null as ErrorObject[] | null | undefined },
    );
    return check;
  });
}
