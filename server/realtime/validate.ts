import { Compile } from 'typebox/compile';
import type { Static, TSchema } from 'typebox';
import { DomainError } from '../domain/errors';

/** A compiled check for one socket payload schema: returns the typed payload or throws INVALID_PAYLOAD. */
export function payloadParser<T extends TSchema>(schema: T): (payload: unknown) => Static<T> {
  const validator = Compile(schema);
  return (payload) => {
    if (validator.Check(payload)) return payload as Static<T>;
    const first = validator.Errors(payload)[0];
    const where = first?.instancePath || '(payload)';
    throw new DomainError('INVALID_PAYLOAD', `${where}: ${first?.message ?? 'invalid payload'}`);
  };
}
