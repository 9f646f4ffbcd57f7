/**
 * Notices when many participants who have only just joined vote for the
 * same question within seconds: what 300 scripted joins followed by 300
 * votes look like, and what a real hall rarely does (people join, read,
 * then vote over minutes). It does not block anything, it tells the
 * moderators, who can look at the question and ban the accounts.
 */
export interface VoteSurge {
  sessionId: number;
  questionId: number;
  /** New participants who voted for it within the window. */
  newVoters: number;
  windowSeconds: number;
}

export interface VoteSurgeOptions {
  /** How many new participants' votes within the window make a surge. */
  threshold: number;
  windowMs: number;
  /** After a signal, the same question is quiet this long. */
  quietMs: number;
}

export const DEFAULT_SURGE: VoteSurgeOptions = { threshold: 25, windowMs: 10_000, quietMs: 60_000 };

export class VoteSurgeDetector {
  private readonly recent = new Map<number, { at: number; participantId: number }[]>();
  private readonly signalled = new Map<number, number>();
  private sweepAt = 0;

  constructor(private readonly opts: VoteSurgeOptions = DEFAULT_SURGE) {}

  /** Records a vote by a new participant; returns a surge when this vote makes one. */
  newVoterVoted(sessionId: number, questionId: number, participantId: number, now = Date.now()): VoteSurge | null {
    if (now > this.sweepAt) this.sweep(now);
    const from = now - this.opts.windowMs;
    let votes = this.recent.get(questionId);
    if (!votes) this.recent.set(questionId, (votes = []));
    votes.push({ at: now, participantId });
    while (votes.length > 0 && votes[0]!.at < from) votes.shift();
    if (votes.length < this.opts.threshold) return null;
    const last = this.signalled.get(questionId);
    if (last !== undefined && now - last < this.opts.quietMs) return null;
    // Vote, unvote, vote again by one person is one voter.
    const voters = new Set(votes.map((v) => v.participantId)).size;
    if (voters < this.opts.threshold) return null;
    this.signalled.set(questionId, now);
    return { sessionId, questionId, newVoters: voters, windowSeconds: Math.round(this.opts.windowMs / 1000) };
  }

  private sweep(now: number): void {
    this.sweepAt = now + 60_000;
    for (const [id, votes] of this.recent) if (votes.length === 0 || votes[votes.length - 1]!.at < now - this.opts.windowMs) this.recent.delete(id);
    for (const [id, at] of this.signalled) if (now - at >= this.opts.quietMs) this.signalled.delete(id);
  }
}
