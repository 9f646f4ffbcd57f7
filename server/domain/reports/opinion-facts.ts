import { OPINION_OUTCOMES } from '../../../shared/constants';
import { vnDate } from '../../../shared/periods';
import type { OutcomeCounts, ReportOpinion } from '../../../shared/schemas/opinions-report';
import { parseAgencyList } from '../agencies';
import type { OpinionFacts } from './opinions-report.repo';

/**
 * The rules the period report and the carry-over share: which opinions are
 * one matter, when an opinion was dealt with, and how it is listed.
 */

type Outcome = (typeof OPINION_OUTCOMES)[number];

/** Outcomes that close an opinion: resolved, explained (answered with reasons), transferred to the competent body. */
export const SETTLED: readonly string[] = ['resolved', 'explained', 'transferred'];

/** A live answer, or a written answer that was published. */
export const isAnswered = (o: OpinionFacts): boolean => Boolean(o.liveAnsweredAt || o.writtenPublishedAt || o.followUpPublishedAt);

const earliest = (...xs: (string | null | undefined)[]): string | null =>
  xs.filter((x): x is string => Boolean(x)).sort()[0] ?? null;

/**
 * When an opinion was dealt with, or null while it is outstanding:
 * - with a settling outcome (resolved, explained, transferred): when that
 *   outcome was recorded (the register's audit log; failing that, the row's
 *   last change);
 * - with no outcome recorded yet but answered (live, or a published written
 *   answer): when it was first answered;
 * - in progress, unresolved, or neither answered nor settled: outstanding.
 */
export function doneAtOf(o: OpinionFacts, outcomeSetAt: ReadonlyMap<number, string>): string | null {
  if (o.outcome && SETTLED.includes(o.outcome)) return outcomeSetAt.get(o.id) ?? o.updatedAt;
  if (!o.outcome && isAnswered(o)) return earliest(o.liveAnsweredAt, o.writtenPublishedAt, o.followUpPublishedAt);
  return null;
}

/** The lead agency and the deadline: the register's, or the deferral's, or the moderator's assignment. */
export const leadAgencyOf = (o: OpinionFacts): string | null => clean(o.leadAgency) ?? clean(o.followUpAgency) ?? clean(o.questionAgency);
export const deadlineOf = (o: OpinionFacts): string | null => o.deadline ?? o.followUpDeadline ?? null;
export const fieldIdOf = (o: OpinionFacts): number | null => o.fieldId ?? o.questionFieldId ?? null;

const clean = (s: string | null | undefined): string | null => {
  const t = s?.normalize('NFC').trim().replace(/\s+/g, ' ');
  return t ? t : null;
};

/**
 * Every opinion's matter: the opinion it repeats (following `repeatOfId`)
 * or, for a question merged into another, the target question's opinion,
 * to the first one. Within `members`, each matter is counted once, under
 * its first opinion when that is among them, else under its earliest member.
 * Returns the opinion each member is counted under (itself for most).
 */
export function matters(members: readonly OpinionFacts[], all: readonly OpinionFacts[]): Map<number, number> {
  const byId = new Map(all.map((o) => [o.id, o]));
  const byQuestion = new Map(all.filter((o) => o.questionId !== null).map((o) => [o.questionId!, o]));
  const parentOf = (o: OpinionFacts): OpinionFacts | undefined => {
    if (o.repeatOfId !== null && byId.has(o.repeatOfId)) return byId.get(o.repeatOfId);
    if (o.questionStatus === 'merged' && o.mergedIntoQuestionId !== null) return byQuestion.get(o.mergedIntoQuestionId);
    return undefined;
  };
  const rootOf = (o: OpinionFacts): number => {
    const seen = new Set<number>([o.id]);
    let cur = o;
    for (let p = parentOf(cur); p && !seen.has(p.id); p = parentOf(cur)) {
      seen.add(p.id);
      cur = p;
    }
    return cur.id;
  };
  const memberIds = new Set(members.map((o) => o.id));
  const rep = new Map<number, number>();
  const out = new Map<number, number>();
  // Oldest first: the earliest member of a matter whose first opinion is elsewhere stands for it.
  const sorted = [...members].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id - b.id);
  for (const o of sorted) {
    const root = rootOf(o);
    if (!rep.has(root)) rep.set(root, memberIds.has(root) ? root : o.id);
    out.set(o.id, rep.get(root)!);
  }
  return out;
}

export const zeroOutcomes = (): OutcomeCounts => ({ resolved: 0, in_progress: 0, explained: 0, unresolved: 0, transferred: 0, none: 0, total: 0 });

export function addOutcome(c: OutcomeCounts, outcome: string | null): void {
  const k = outcome && (OPINION_OUTCOMES as readonly string[]).includes(outcome) ? (outcome as Outcome) : 'none';
  c[k] += 1;
  c.total += 1;
}

/** "Nguyễn Thị Lan (Xã Hòa Bình)", "Ẩn danh", or null when nobody was named. */
export function personOf(o: OpinionFacts): string | null {
  if (o.anonymous) return 'Ẩn danh';
  const name = clean(o.personName);
  const where = clean(o.locality);
  if (!name) return where ? `(${where})` : null;
  return where ? `${name} (${where})` : name;
}

export function toReportOpinion(
  o: OpinionFacts,
  fieldName: (id: number | null) => string | null,
  doneAt: string | null,
  countedWithId: number | null,
): ReportOpinion {
  const fieldId = fieldIdOf(o);
  const lead = leadAgencyOf(o);
  const supporting = parseAgencyList(o.agencies);
  return {
    id: o.id,
    receivedAt: o.receivedAt,
    channel: o.channel as ReportOpinion['channel'],
    sessionId: o.sessionId,
    sessionTitle: o.sessionTitle,
    questionNumber: o.questionNumber,
    text: o.text,
    person: personOf(o),
    fieldId,
    field: fieldName(fieldId),
    level: (o.level as ReportOpinion['level']) ?? null,
    leadAgency: lead,
    agencies: supporting.length ? supporting : parseAgencyList(o.followUpSupporting),
    deadline: deadlineOf(o),
    outcome: (o.outcome as ReportOpinion['outcome']) ?? null,
    outcomeNote: o.outcomeNote,
    responseRef: o.responseRef,
    answered: isAnswered(o),
    doneDate: doneAt ? vnDate(doneAt) : null,
    repeatOfId: o.repeatOfId,
    countedWithId,
  };
}
