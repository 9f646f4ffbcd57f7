import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: a code read aloud in a hall or off a projector must not be misread. */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

export function generateJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** What people type: lower case, spaces, a dash in the middle. */
export const normalizeJoinCode = (input: string): string => input.toUpperCase().replace(/[\s-]/g, '');
