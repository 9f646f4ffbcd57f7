/**
 * Hints for moderators: likely abusive words and likely duplicates. They
 * order the queue and draw the eye; they never reject anything themselves.
 */

/** Lower case, no diacritics, đ → d, punctuation to spaces (for duplicates and searches, never for abuse). */
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

/** Lower case, NFC, words of letters and digits: diacritics kept (they carry the meaning). */
function words(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

// Diacritics carry meaning in Vietnamese: "đỏ cho" (red for: "cấp sổ đỏ cho
// các hộ") is not "đồ chó", "các" is not "cặc", "đồ ngủ" is not "đồ ngu".
// Written words are matched exactly as spelled, diacritics and đ included.
const ABUSIVE_VI = [
  'địt', 'địt mẹ', 'đụ', 'đụ má', 'đụ mẹ', 'đéo', 'lồn', 'cặc', 'buồi', 'đĩ',
  'thằng chó', 'con chó chết', 'đồ chó', 'đồ ngu', 'ngu như bò', 'ngu như chó', 'óc chó', 'mất dạy',
  'khốn nạn', 'đồ khốn', 'thằng khốn', 'đồ điên', 'súc sinh', 'đồ súc vật', 'mặt lồn', 'chó má', 'đồ rác rưởi',
  'câm mồm', 'im mồm',
];
// Without diacritics, only forms no ordinary word spells: teen code and
// abbreviations ("dm", "vcl") and phrases with no innocent reading. Plain
// "lon", "cac", "deo" are lớn, các, đeo in a text typed without diacritics:
// never listed.
const ABUSIVE_PLAIN = ['dm', 'dmm', 'dcm', 'dkm', 'đm', 'đmm', 'đcm', 'vcl', 'vkl', 'vl', 'clgt', 'cmm', 'dit me', 'dit moe', 'dit con me', 'du ma'];
const ABUSIVE_EN = ['fuck', 'fucking', 'fucked', 'shit', 'bitch', 'bastard', 'asshole', 'idiot', 'idiots', 'moron', 'stupid', 'retard', 'cunt'];

const phrase = (p: string) => words(p).join(' ');
const ABUSIVE = [...ABUSIVE_VI, ...ABUSIVE_PLAIN, ...ABUSIVE_EN].map(phrase);

/** Whole words or word sequences of the list, spelled as listed (diacritics count). */
export function looksAbusive(text: string): boolean {
  const padded = ` ${words(text).join(' ')} `;
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
