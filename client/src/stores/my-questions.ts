/**
 * The person's own questions and their tracking codes, kept on this device
 * across sessions and after leaving one: what they need to look up a written
 * answer weeks later. Never sent anywhere.
 */
export interface MyQuestion {
  trackingCode: string;
  text: string;
  sessionTitle: string;
  joinCode: string;
  askedAt: string;
}

const KEY = 'ln:mine';
const MAX = 200;

export function loadMyQuestions(): MyQuestion[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v)
      ? (v.filter((q) => q && typeof q.trackingCode === 'string' && typeof q.text === 'string') as MyQuestion[])
      : [];
  } catch {
    return [];
  }
}

/** Adds new ones (by tracking code), newest first; returns whether anything changed. */
export function rememberMyQuestions(items: MyQuestion[]): boolean {
  const known = loadMyQuestions();
  const codes = new Set(known.map((q) => q.trackingCode));
  const fresh = items.filter((q) => !codes.has(q.trackingCode));
  if (fresh.length === 0) return false;
  const all = [...fresh, ...known].sort((a, b) => b.askedAt.localeCompare(a.askedAt)).slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    return false;
  }
  return true;
}
