/**
 * Names of bodies (agencies, departments, companies) as people type them:
 * the same body typed twice, with other spacing or case, is one body.
 */
export const agencyKey = (name: string): string => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');

const clean = (name: string): string => name.normalize('NFC').trim().replace(/\s+/g, ' ');

/**
 * Distinct, trimmed names in their first order; the empty ones and those in
 * `except` left out. Several bodies typed in one field ("Sở A; Công ty B")
 * are several bodies.
 */
export function distinctAgencies(names: readonly string[], except: readonly string[] = []): string[] {
  const seen = new Set(except.map(agencyKey));
  const out: string[] = [];
  for (const n of names.flatMap((x) => x.split(';'))) {
    const c = clean(n);
    const k = agencyKey(c);
    if (!c || seen.has(k)) continue;
    seen.add(k);
    out.push(c);
  }
  return out;
}

/** A follow-up's stored JSON list of supporting bodies; a damaged value reads as none. */
export function parseAgencyList(json: string | null | undefined): string[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
