/**
 * Hints for moderators: likely abusive words and likely duplicates. They
 * order the queue and draw the eye; they never reject anything themselves.
 */

/** Lower case, no diacritics, đ → d, punctuation to spaces. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9\s]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Folded forms, matched as whole words or word sequences. Folding makes
// many innocent words collide (các/cặc, lớn/lồn, đeo/đéo), so only forms
// that stay offensive without their diacritics are listed: a flag must mean
// "look at this", not "every second question".
const ABUSIVE_VI = [
  'dit me', 'dit moe', 'du ma', 'du me', 'dm', 'dmm', 'dcm', 'vcl', 'vkl', 'vl', 'clgt', 'cmm',
  'thang cho', 'do ngu', 'oc cho', 'mat day', 'suc vat', 'khon nan', 'do khon', 'do cho',
];
const ABUSIVE_EN = ['fuck', 'fucking', 'shit', 'bitch', 'bastard', 'asshole', 'idiot', 'moron', 'stupid', 'retard', 'cunt', 'dick'];

const ABUSIVE = [...ABUSIVE_VI, ...ABUSIVE_EN].map(fold);

export function looksAbusive(text: string): boolean {
  const padded = ` ${fold(text)} `;
  return ABUSIVE.some((w) => padded.includes(` ${w} `));
}

const STOP = new Set(
  fold(
    'và của là có cho các những được với trong không thì này đó để khi như về ra vào một em anh chị ông bà xin hỏi cho tôi chúng tôi ạ a vậy nào gì sao bao giờ the a an of to and is are in for on what how why when',
  ).split(' '),
);

/** Word bigrams plus single content words of the folded text. */
export function shingles(text: string): Set<string> {
  const words = fold(text).split(' ').filter((w) => w && !STOP.has(w));
  const out = new Set<string>(words);
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
  return out;
}

export function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const s of a) if (b.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

export const DUPLICATE_THRESHOLD = 0.5;

/** Ids of earlier questions whose text is close to this one, most similar first (at most 3). */
export function likelyDuplicates(text: string, earlier: readonly { id: number; text: string }[]): number[] {
  const mine = shingles(text);
  return earlier
    .map((q) => ({ id: q.id, score: similarity(mine, shingles(q.text)) }))
    .filter((c) => c.score >= DUPLICATE_THRESHOLD)
    .sort((x, y) => y.score - x.score)
    .slice(0, 3)
    .map((c) => c.id);
}
