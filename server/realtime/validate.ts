import { Compile } from 'typebox/compile';
import type { Static, TSchema } from 'typebox';
import { DomainError } from '../domain/errors';
import { withoutNul } from '../../shared/text';

// Compiled once per schema, not once per socket: every connection registers
// the same handlers, and compiling per socket cost CPU at each connect and
// memory for as long as the socket lived (measured in bench/README.md).
const parsers = new WeakMap<TSchema, (payload: unknown) => unknown>();

/** A compiled check for one socket payload schema: returns the typed payload or throws INVALID_PAYLOAD. */
export function payloadParser<T extends TSchema>(schema: T): (payload: unknown) => Static<T> {
  const cached = parsers.get(schema);
  if (cached) return cached as (payload: unknown) => Static<T>;
  const validator = Compile(schema);
  const parse = (payload: unknown): Static<T> => {
    payload = withoutNul(payload);
    if (validator.Check(payload)) return payload as Static<T>;
    const first = validator.Errors(payload)[0];
    const where = first?.instancePath || '(payload)';
    throw new DomainError('INVALID_PAYLOAD', `${where}: ${first?.message ?? 'invalid payload'}`);
  };
  parsers.set(schema, parse);
  return parse;
}
