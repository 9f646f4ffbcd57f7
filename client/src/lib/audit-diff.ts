/** One changed field of an audit entry, as a person reads it. */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

/** Fields that change on every write and say nothing to a reader. */
const NOISE = new Set(['updatedAt', 'createdAt']);

const show = (v: unknown): string => {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fields that differ between `before` and `after`: a field only in
 * `after` was set, one only in `before` was cleared. Nested values are shown
 * as compact JSON. Pure, so it is unit-tested.
 */
export function auditChanges(before: unknown, after: unknown): FieldChange[] {
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  if (!isRecord(before) && !isRecord(after)) {
    return before === after || (before == null && after == null) ? [] : [{ field: '', before: show(before), after: show(after) }];
  }
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !NOISE.has(k));
  const out: FieldChange[] = [];
  for (const k of keys) {
    const x = show(b[k]);
    const y = show(a[k]);
    if (x !== y) out.push({ field: k, before: x, after: y });
  }
  return out;
}
