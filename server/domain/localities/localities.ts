import type { Locality, LocalitySource, LocalityType } from '../../../shared/schemas/localities';
import { cleanLineOrNull } from '../../../shared/text';
import { DomainError } from '../errors';
// The list ships with the server (built by scripts/extract-localities.mjs from
// an inspected npm package); nothing is fetched at run time.
import data from './localities-2025.json';

/**
 * The official list of administrative units in force since 1 July 2025 (34
 * provinces and centrally-run cities, 3,321 communes, wards and special
 * zones, with their codes), and the pre-2025 names that map to them.
 *
 * Search is by the name without diacritics (đ read as d), with or without its
 * type word ("xã", "phường", "đặc khu", "tỉnh", "thành phố"), by whole name,
 * prefix or word prefixes; a province's name may follow the commune's
 * ("tan trao tuyen quang"). Whole names and prefixes come before word
 * matches, which come before matches that needed the province's words; within
 * each, communes matched by their own name come first, then provinces, then
 * units found by a pre-2025 name ("formerly …").
 */

interface LocalitiesFile {
  source: {
    package: string;
    version: string;
    licence: string;
    inForceFrom: string;
    counts: { provinces: number; communes: number };
  };
  provinces: [code: string, bareName: string, kind: string][];
  communes: [code: string, name: string, provinceCode: string][];
  formerProvinces: [name: string, newProvinceCode: string][];
  formerDistricts: [name: string, formerProvinceIdx: number][];
  formerCommunes: [name: string, formerDistrictIdx: number, newCodes: string[]][];
}

/** Lower case, no diacritics, đ → d, punctuation as spaces: "Xã Tân Trào" → "xa tan trao". */
export const foldName = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Type words a name may start with (folded), longest first; pre-2025 ones too. */
const TYPE_WORDS = ['thanh pho', 'thi tran', 'thi xa', 'dac khu', 'phuong', 'huyen', 'quan', 'tinh', 'xa'] as const;

/** The folded name without its leading type word, and that word. */
function splitType(folded: string): { type: string | null; bare: string } {
  for (const w of TYPE_WORDS) {
    if (folded === w) return { type: w, bare: '' };
    if (folded.startsWith(`${w} `)) return { type: w, bare: folded.slice(w.length + 1) };
  }
  return { type: null, bare: folded };
}

const COMMUNE_TYPES: [prefix: string, type: LocalityType][] = [
  ['Xã ', 'xa'],
  ['Phường ', 'phuong'],
  ['Đặc khu ', 'dac_khu'],
];

interface Entry {
  /** Index into `units`, or several for a pre-2025 unit that went to several new ones. */
  codes: string[];
  full: string;
  bare: string;
  /** The query's type word this entry answers to without a penalty. */
  type: string | null;
  /** " xa tan trao": a token matches a word's start where " " + token occurs. */
  words: string;
  /** Words that may narrow the search but do not match alone (the province, the old district), as above. */
  context: string;
  tier: 0 | 1 | 2;
  sortName: string;
  /** Position in Vietnamese alphabetical order of all entries (set once: comparing with a collator per search is slow). */
  alpha: number;
  formerly: { name: string; part: boolean } | null;
}

export interface SearchOptions {
  provinceCode?: string;
  limit?: number;
}

const collator = new Intl.Collator('vi');

export class Localities {
  private readonly units = new Map<string, Locality>();
  private readonly entries: Entry[] = [];
  readonly source: LocalitySource;

  constructor(file: LocalitiesFile) {
    this.source = {
      package: file.source.package,
      version: file.source.version,
      licence: file.source.licence,
      inForceFrom: file.source.inForceFrom,
      provinces: file.provinces.length,
      communes: file.communes.length,
    };
    const provinceContext = new Map<string, string[]>();
    for (const [code, bare, kind] of file.provinces) {
      const city = kind === 'thanh_pho';
      const name = `${city ? 'Thành phố' : 'Tỉnh'} ${bare}`;
      const unit: Locality = {
        code,
        name,
        type: city ? 'thanh_pho' : 'tinh',
        level: 'province',
        provinceCode: code,
        provinceName: name,
        label: name,
      };
      this.units.set(code, unit);
      const full = foldName(name);
      provinceContext.set(code, full.split(' '));
      this.entries.push(this.entry([code], name, 1, [], null));
    }
    for (const [code, name, provinceCode] of file.communes) {
      const province = this.units.get(provinceCode)!;
      const type = COMMUNE_TYPES.find(([p]) => name.startsWith(p))?.[1] ?? 'xa';
      this.units.set(code, {
        code,
        name,
        type,
        level: 'commune',
        provinceCode,
        provinceName: province.name,
        // "Xã Tân Trào, tỉnh Tuyên Quang": the province's type word in lower case after a comma.
        label: `${name}, ${province.name.charAt(0).toLowerCase()}${province.name.slice(1)}`,
      });
      this.entries.push(this.entry([code], name, 0, provinceContext.get(provinceCode)!, null));
    }
    // Pre-2025 names. A province merged whole: "formerly"; a district, or a commune split up: "part of".
    for (const [name, code] of file.formerProvinces) {
      this.entries.push(this.entry([code], name, 2, [], { name, part: false }));
    }
    const districtCodes = file.formerDistricts.map(() => new Set<string>());
    for (const [name, d, codes] of file.formerCommunes) {
      const [districtName, p] = file.formerDistricts[d];
      const provinceName = file.formerProvinces[p][0];
      for (const c of codes) districtCodes[d].add(c);
      const context = [...foldName(districtName).split(' '), ...foldName(provinceName).split(' '), ...provinceContext.get(this.units.get(codes[0])!.provinceCode)!];
      this.entries.push(this.entry(codes, name, 2, context, { name: `${name}, ${districtName}, ${provinceName}`, part: codes.length > 1 }));
    }
    file.formerDistricts.forEach(([name, p], d) => {
      const provinceName = file.formerProvinces[p][0];
      const codes = [...districtCodes[d]].sort();
      if (codes.length === 0) return;
      const context = [...foldName(provinceName).split(' '), ...provinceContext.get(this.units.get(codes[0])!.provinceCode)!];
      this.entries.push(this.entry(codes, name, 2, context, { name: `${name}, ${provinceName}`, part: codes.length > 1 }));
    });
    [...this.entries].sort((a, b) => collator.compare(a.sortName, b.sortName)).forEach((e, i) => (e.alpha = i));
  }

  private entry(codes: string[], name: string, tier: Entry['tier'], context: string[], formerly: Entry['formerly']): Entry {
    const full = foldName(name);
    const { type, bare } = splitType(full);
    return { codes, full, bare, type, words: ` ${full}`, context: context.length ? ` ${context.join(' ')}` : '', tier, sortName: name, alpha: 0, formerly };
  }

  /** A unit of the current list by its code (2 digits: a province; 5: a commune), or undefined. */
  byCode(code: string): Locality | undefined {
    return this.units.get(code.trim());
  }

  /**
   * A locality as a person gave it: chosen from the list (a code), stored as
   * the code and its official label; typed freely (no code), kept as typed.
   * An unknown code is refused, so nothing is stored with it.
   */
  resolve(typed: string | null | undefined, code: string | null | undefined): { locality: string | null; localityCode: string | null } {
    const chosen = code?.trim();
    if (!chosen) return { locality: cleanLineOrNull(typed), localityCode: null };
    const unit = this.byCode(chosen);
    if (!unit) throw new DomainError('LOCALITY_UNKNOWN', 'no administrative unit with this code in the list in force since 1 July 2025');
    return { locality: unit.label, localityCode: unit.code };
  }

  get provinceCount(): number {
    let n = 0;
    for (const u of this.units.values()) if (u.level === 'province') n++;
    return n;
  }

  get communeCount(): number {
    return this.units.size - this.provinceCount;
  }

  search(query: string, opts: SearchOptions = {}): Locality[] {
    const limit = Math.min(Math.max(opts.limit ?? 10, 1), 20);
    const q = foldName(query.normalize('NFC'));
    if (!q) return [];
    const stripped = splitType(q);
    const tokens = q.split(' ').map((w) => ` ${w}`);
    const bareTokens = stripped.bare ? stripped.bare.split(' ').map((w) => ` ${w}`) : [];
    type Hit = { e: Entry; score: number };
    const hits: Hit[] = [];
    for (const e of this.entries) {
      if (opts.provinceCode && !e.codes.some((c) => this.units.get(c)!.provinceCode === opts.provinceCode)) continue;
      let score = scoreOf(q, tokens, e);
      if (stripped.type && stripped.bare) {
        // "xa tan trao" also reads as "tan trao" typed with its type word; a different type word ranks it lower.
        const s = scoreOf(stripped.bare, bareTokens, e);
        if (s !== null) {
          const adjusted = s + (stripped.type === e.type ? 0 : 0.5);
          score = score === null ? adjusted : Math.min(score, adjusted);
        }
      }
      if (score !== null) hits.push({ e, score });
    }
    // Whole names and prefixes before word matches; within each, communes, then provinces, then pre-2025 names.
    const band = (h: Hit) => (h.score < 2 ? 0 : h.score < 3 ? 1 : 2);
    hits.sort(
      (a, b) =>
        band(a) - band(b) ||
        a.e.tier - b.e.tier ||
        a.score - b.score ||
        a.e.bare.length - b.e.bare.length ||
        a.e.alpha - b.e.alpha,
    );
    const out: Locality[] = [];
    const seen = new Set<string>();
    for (const h of hits) {
      for (const code of h.e.codes) {
        const unit = this.units.get(code)!;
        if (seen.has(code) || (opts.provinceCode && unit.provinceCode !== opts.provinceCode)) continue;
        seen.add(code);
        out.push(h.e.formerly ? { ...unit, formerly: h.e.formerly } : unit);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }
}

/**
 * 0 whole name, 1 prefix, 2 every word found, 3 found with the province's (or old district's) words; null no match.
 * `tokens` are the query's words each with a leading space, so that `includes` finds word starts.
 */
function scoreOf(q: string, tokens: string[], e: Entry): number | null {
  if (e.bare === q || e.full === q) return 0;
  if (e.bare.startsWith(q) || e.full.startsWith(q)) return 1;
  let own = 0;
  for (const t of tokens) {
    if (e.words.includes(t)) own++;
    else if (!e.context.includes(t)) return null;
  }
  if (own === tokens.length) return 2;
  return own > 0 ? 3 : null;
}

let loaded: Localities | undefined;
/** The list, indexed once on first use. */
export function localities(): Localities {
  loaded ??= new Localities(data as unknown as LocalitiesFile);
  return loaded;
}
