import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/lib/i18n/en';
import { vi } from '../../client/src/lib/i18n/vi';
import { ErrorCodes } from '../../shared/errors';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the dictionaries', () => {
  it('have the same keys, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    for (const [k, v] of [...Object.entries(vi), ...Object.entries(en)]) expect(v.trim(), k).not.toBe('');
  });

  it('use the same parameters in both languages', () => {
    for (const key of Object.keys(vi) as (keyof typeof vi)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(vi[key]));
    }
  });

  it('translate every error code the server can send', () => {
    for (const code of ErrorCodes) {
      expect(vi, code).toHaveProperty(`error.${code}`);
      expect(en, code).toHaveProperty(`error.${code}`);
    }
  });

  it('store Vietnamese in composed form, so that diacritics render as one glyph everywhere', () => {
    for (const [k, v] of Object.entries(vi)) expect(v, k).toBe(v.normalize('NFC'));
    expect(vi['p.ask']).toBe('Đặt câu hỏi');
  });
});
