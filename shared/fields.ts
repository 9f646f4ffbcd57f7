/**
 * A field (lĩnh vực) suggested from a text by the fields' keywords: the text
 * folded (lower case, no diacritics, đ → d, punctuation to spaces) and each
 * keyword matched as a whole phrase on word boundaries ("dien" does not
 * match inside "dien tich"'s neighbour words, "giao duc" not in "giao ducx").
 * The field with the most matching phrases wins; a tie between fields, or no
 * match, suggests nothing. A suggestion is shown, never applied silently.
 * No imports: the phone and desk bundles use it as is.
 */
export const foldText = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

export interface SuggestableField {
  id: number;
  keywords: readonly string[];
  active: boolean;
}

export function suggestField<F extends SuggestableField>(text: string, fields: readonly F[]): F | null {
  const hay = ` ${foldText(text)} `;
  if (hay.trim() === '') return null;
  let best: F | null = null;
  let bestScore = 0;
  let tie = false;
  for (const f of fields) {
    if (!f.active) continue;
    let score = 0;
    for (const k of f.keywords) {
      const phrase = foldText(k);
      if (phrase && hay.includes(` ${phrase} `)) score += phrase.split(' ').length;
    }
    if (score > bestScore) {
      best = f;
      bestScore = score;
      tie = false;
    } else if (score > 0 && score === bestScore) tie = true;
  }
  return tie ? null : best;
}
