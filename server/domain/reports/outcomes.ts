import type { QuestionStatus, RejectReason } from '../../../shared/schemas/enums';
import { REJECT_REASONS } from '../../../shared/schemas/enums';
import type { QuestionOutcomes } from '../../../shared/schemas/secretariat';

/** Where one question ended up. Every question has exactly one. */
export type Outcome = 'answeredLive' | 'deferred' | 'rejected' | 'merged' | 'withdrawn' | 'notReached' | 'notModerated';

export interface OutcomeInput {
  status: QuestionStatus;
  rejectReason?: RejectReason | null;
  /** A live answer summary was recorded for it. */
  hasLiveAnswer: boolean;
}

/**
 * The one rule for "answered live" and the rest, used by the minutes, the
 * conclusion notice, the statistics and the public record:
 * - answered, or on stage when the session ended, or approved with a live answer recorded: answered live;
 * - deferred (even after a live answer: the written answer is what is owed): deferred;
 * - rejected, merged, withdrawn: as they say;
 * - approved and never taken up: not reached; pending: never moderated.
 */
export function outcomeOf(q: OutcomeInput): Outcome {
  switch (q.status) {
    case 'answered':
    case 'on_stage':
      return 'answeredLive';
    case 'approved':
      return q.hasLiveAnswer ? 'answeredLive' : 'notReached';
    case 'deferred':
      return 'deferred';
    case 'rejected':
      return 'rejected';
    case 'merged':
      return 'merged';
    case 'withdrawn':
      return 'withdrawn';
    case 'pending':
      return 'notModerated';
  }
}

export const zeroReasons = (): Record<RejectReason, number> =>
  Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;

/** Counts by outcome; the parts add up to `received`. */
export function countOutcomes(qs: readonly OutcomeInput[]): QuestionOutcomes {
  const out: QuestionOutcomes = {
    received: qs.length,
    answeredLive: 0,
    deferred: 0,
    rejected: { total: 0, byReason: zeroReasons() },
    merged: 0,
    withdrawn: 0,
    notReached: 0,
    notModerated: 0,
  };
  for (const q of qs) {
    const o = outcomeOf(q);
    if (o === 'rejected') {
      out.rejected.total += 1;
      out.rejected.byReason[q.rejectReason ?? 'other'] += 1;
    } else out[o] += 1;
  }
  return out;
}

/** The parts of an outcome count, summed: equals `received` by construction, checked by the tests. */
export const outcomeSum = (o: QuestionOutcomes): number =>
  o.answeredLive + o.deferred + o.rejected.total + o.merged + o.withdrawn + o.notReached + o.notModerated;
