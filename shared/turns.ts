/**
 * Fair turns across linked venues. The queue is taken one venue at a time:
 * the venue that has had the fewest questions on stage goes first (ties: in
 * the order the venues were set up, the main hall first), and each venue
 * offers its best question (pinned, then most votes, then oldest). Then the
 * second round, and so on. Pure: the desk and the server compute the same.
 */
export interface TurnQuestion {
  id: number;
  venueId: number | null;
  status: string;
  pinned: boolean;
  votes: number;
  /** When it was (last) put on stage; null: never. */
  stagedAt?: string | null;
}

export interface VenueTurns {
  venueId: number | null;
  /** Questions of this venue that have been on stage so far. */
  onStage: number;
  /** Approved questions waiting, best first. */
  waiting: number[];
}

const WAITING = new Set(['approved']);

/** Per venue (main hall first, then `venueIds` in order): how many went on stage, and the waiting ones best first. */
export function venueTurns(questions: readonly TurnQuestion[], venueIds: readonly number[]): VenueTurns[] {
  const order: (number | null)[] = [null, ...venueIds];
  const by = new Map<number | null, VenueTurns>(order.map((v) => [v, { venueId: v, onStage: 0, waiting: [] }]));
  const best = [...questions].sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.votes - a.votes || a.id - b.id);
  for (const q of best) {
    let t = by.get(q.venueId);
    if (!t) by.set(q.venueId, (t = { venueId: q.venueId, onStage: 0, waiting: [] }));
    if (q.stagedAt || q.status === 'on_stage') t.onStage++;
    if (WAITING.has(q.status)) t.waiting.push(q.id);
  }
  return [...by.values()];
}

/** The round-robin order of the waiting questions: one from each venue per round, fewest-staged venue first. */
export function roundRobin(questions: readonly TurnQuestion[], venueIds: readonly number[]): number[] {
  const turns = venueTurns(questions, venueIds);
  const position = new Map(turns.map((t, i) => [t.venueId, i]));
  const venues = turns.filter((t) => t.waiting.length > 0).sort((a, b) => a.onStage - b.onStage || position.get(a.venueId)! - position.get(b.venueId)!);
  const out: number[] = [];
  for (let round = 0; venues.some((v) => v.waiting.length > round); round++) {
    for (const v of venues) if (v.waiting.length > round) out.push(v.waiting[round]!);
  }
  return out;
}
