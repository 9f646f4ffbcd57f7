/**
 * Reporting periods of the opinions register (Quy định 11-QĐi/TW as amended
 * by Kết luận 215-KL/TW asks for monthly, quarterly, 6-month, 9-month and
 * yearly reports): the calendar dates a preset covers, and the words a
 * report's title uses for it. Dates are calendar dates `YYYY-MM-DD` in
 * Vietnam time; both ends are included. No imports: the client and the
 * server use the same rule.
 */
export const PERIOD_PRESETS = ['month', 'quarter', 'half', 'nineMonths', 'year', 'range'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export interface Period {
  from: string;
  to: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const lastDay = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const span = (year: number, firstMonth: number, lastMonth: number): Period => ({
  from: `${year}-${pad(firstMonth)}-01`,
  to: `${year}-${pad(lastMonth)}-${pad(lastDay(year, lastMonth))}`,
});

/**
 * The period of a preset: `index` is the month (1–12) for 'month', the
 * quarter (1–4) for 'quarter', the half (1–2) for 'half'; 'nineMonths'
 * and 'year' start on 1 January. 'range' has no preset dates (null).
 */
export function presetPeriod(preset: PeriodPreset, year: number, index = 1): Period | null {
  switch (preset) {
    case 'month':
      return span(year, clamp(index, 1, 12), clamp(index, 1, 12));
    case 'quarter': {
      const q = clamp(index, 1, 4);
      return span(year, q * 3 - 2, q * 3);
    }
    case 'half': {
      const h = clamp(index, 1, 2);
      return span(year, h * 6 - 5, h * 6);
    }
    case 'nineMonths':
      return span(year, 1, 9);
    case 'year':
      return span(year, 1, 12);
    case 'range':
      return null;
  }
}

const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.trunc(n) || lo));

/** A real calendar date written `YYYY-MM-DD` (no 30 February). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1900 && y <= 2999 && mo >= 1 && mo <= 12 && d >= 1 && d <= lastDay(y, mo);
}

/** The preset a period is exactly, if any: a report titled "quý I năm 2027" rather than by its dates. */
export function presetOf(p: Period): { preset: PeriodPreset; year: number; index: number } {
  const y = Number(p.from.slice(0, 4));
  if (p.from.slice(0, 4) === p.to.slice(0, 4)) {
    const candidates: [PeriodPreset, number][] = [
      ['year', 1],
      ['nineMonths', 1],
      ['half', 1],
      ['half', 2],
      ...[1, 2, 3, 4].map((q): [PeriodPreset, number] => ['quarter', q]),
      ...Array.from({ length: 12 }, (_, k): [PeriodPreset, number] => ['month', k + 1]),
    ];
    for (const [preset, index] of candidates) {
      const x = presetPeriod(preset, y, index)!;
      if (x.from === p.from && x.to === p.to) return { preset, year: y, index };
    }
  }
  return { preset: 'range', year: y, index: 1 };
}

const ROMAN = ['I', 'II', 'III', 'IV'];
const dmy = (d: string): string => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

/**
 * The period in a Vietnamese title: "tháng 3 năm 2027", "quý I năm 2027",
 * "6 tháng đầu năm 2027", "6 tháng cuối năm 2027", "9 tháng năm 2027",
 * "năm 2027", or "từ ngày 01/01/2027 đến ngày 15/02/2027".
 */
export function periodWordsVi(p: Period): string {
  const { preset, year, index } = presetOf(p);
  switch (preset) {
    case 'month':
      return `tháng ${index} năm ${year}`;
    case 'quarter':
      return `quý ${ROMAN[index - 1]} năm ${year}`;
    case 'half':
      return `6 tháng ${index === 1 ? 'đầu' : 'cuối'} năm ${year}`;
    case 'nineMonths':
      return `9 tháng năm ${year}`;
    case 'year':
      return `năm ${year}`;
    case 'range':
      return `từ ngày ${dmy(p.from)} đến ngày ${dmy(p.to)}`;
  }
}

/** Vietnam keeps UTC+7 all year (no daylight saving). */
const VN_OFFSET_MS = 7 * 60 * 60_000;

/** The calendar date of an instant in Vietnam ("2027-01-31T18:00:00Z" is 1 February there). A bare date is returned as is. */
export function vnDate(isoOrDate: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(isoOrDate)) return isoOrDate;
  return new Date(Date.parse(isoOrDate) + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a calendar day starts in Vietnam: "2027-02-01" → "2027-01-31T17:00:00.000Z". */
export function vnDayStart(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - VN_OFFSET_MS).toISOString();
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
