import { addDays, vnDate } from './periods';

/**
 * The statutory deadlines of a dialogue, as a checklist:
 * - `plan`: the plan of a dialogue with youth is published at least 30 days
 *   ahead (Youth Law 2020, art. 10; Decree 13/2021/NĐ-CP): applies when the
 *   audience group is youth;
 * - `announce`: a commune's dialogue is announced to the people at least 7
 *   days ahead: applies when the organising unit is a commune;
 * - `results`: the results are published within 10 days after the dialogue
 *   closed: every dialogue.
 * Each item has a due date, the date it was done, and a state. No imports
 * beyond shared/: the server's checklist and the client's agree.
 */
export const DEADLINE_KEYS = ['plan', 'announce', 'results'] as const;
export type DeadlineKey = (typeof DEADLINE_KEYS)[number];
export const DEADLINE_STATES = ['done_on_time', 'done_late', 'due', 'overdue'] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];

/** Days ahead of the start (plan, announce) or after closing (results). */
export const DEADLINE_DAYS: Record<DeadlineKey, number> = { plan: 30, announce: 7, results: 10 };

export interface DeadlineInput {
  audienceGroup: string | null;
  /** The organising unit's level: 'province' | 'commune' | 'agency', or null without a unit. */
  unitLevel: string | null;
  startsAt: string;
  startedAt?: string | null;
  closedAt: string | null;
  /** Dates (`YYYY-MM-DD`) or instants; read as calendar dates in Vietnam. */
  planPublishedAt: string | null;
  announcedAt: string | null;
  resultsPublishedAt: string | null;
}

export interface DeadlineItem {
  key: DeadlineKey;
  /** The last day it may be done on. */
  dueDate: string;
  /** True while the dialogue has not closed: the results' due date counts from the scheduled start until then. */
  provisional: boolean;
  /** The day it was done, or null. */
  doneDate: string | null;
  state: DeadlineState;
}

export function deadlineState(dueDate: string, doneDate: string | null, today: string): DeadlineState {
  if (doneDate) return doneDate <= dueDate ? 'done_on_time' : 'done_late';
  return today <= dueDate ? 'due' : 'overdue';
}

/** The checklist of a session on `today` (a date in Vietnam): only the items that apply. */
export function statutoryDeadlines(s: DeadlineInput, today: string): DeadlineItem[] {
  const start = vnDate(s.startsAt);
  const done = (v: string | null): string | null => (v ? vnDate(v) : null);
  const items: DeadlineItem[] = [];
  const push = (key: DeadlineKey, dueDate: string, doneDate: string | null, provisional = false) =>
    items.push({ key, dueDate, provisional, doneDate, state: deadlineState(dueDate, doneDate, today) });
  if (s.audienceGroup === 'youth') push('plan', addDays(start, -DEADLINE_DAYS.plan), done(s.planPublishedAt));
  if (s.unitLevel === 'commune') push('announce', addDays(start, -DEADLINE_DAYS.announce), done(s.announcedAt));
  const closed = s.closedAt ? vnDate(s.closedAt) : null;
  push('results', addDays(closed ?? start, DEADLINE_DAYS.results), done(s.resultsPublishedAt), closed === null);
  return items;
}
