import { randomInt } from 'node:crypto';
import { JOIN_CODE_ALPHABET } from '../sessions/join-code';

/**
 * 10 characters of a 31-letter alphabet: about 49 bits, enough that codes
 * cannot be enumerated through the public lookup, short enough to copy by hand.
 */
export function generateTrackingCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

export const normalizeTrackingCode = (input: string): string => input.toUpperCase().replace(/[\s-]/g, '');
