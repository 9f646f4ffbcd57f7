import type { SourceCounts } from '../../../shared/schemas/secretariat';
import { QUESTION_CHANNELS, type QuestionChannel } from '../../../shared/schemas/enums';
import { venueTurns } from '../../../shared/turns';

export interface SourceQuestion {
  id: number;
  channel: QuestionChannel;
  venueId: number | null;
  status: string;
  pinned: boolean;
  votes: number;
  stagedAt: string | null;
}

/**
 * Where the questions came from: by channel, and by venue with how many of
 * each venue's went on stage. The statistics and the minutes both count with
 * this one function, so the two always agree; the venues' parts add up to the
 * total received, and so do the channels'.
 */
export function countSources(questions: readonly SourceQuestion[], venues: readonly { id: number; name: string; attendance: number | null }[]): SourceCounts {
  const byChannel = Object.fromEntries(QUESTION_CHANNELS.map((c) => [c, 0])) as Record<QuestionChannel, number>;
  for (const q of questions) byChannel[q.channel]++;
  const turns = venueTurns(questions, venues.map((v) => v.id));
  const count = (venueId: number | null) => questions.filter((q) => q.venueId === venueId).length;
  return {
    byChannel,
    byVenue: turns.map((t) => {
      const v = venues.find((x) => x.id === t.venueId);
      return { venueId: t.venueId, name: v?.name ?? 'Hội trường chính', questions: count(t.venueId), onStage: t.onStage, attendance: v?.attendance ?? null };
    }),
  };
}
