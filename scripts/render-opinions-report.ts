/**
 * The period report of the opinions register (issue 15) for a sample period,
 * for a person to read: builds the two months of tests/helpers/opinions-register.ts
 * (two units, three dialogues, a reception day and letters) in a scratch app
 * and writes, for the province from 1 August to 30 September 2026 and for
 * September alone:
 *
 *   npx tsx scripts/render-opinions-report.ts
 *
 * test-artifacts/opinions-report/<period>.{json,docx,xlsx} as served, and
 * <period>.txt: the Word report's text with its tables as rows, in order.
 * The vitest tests check the numbers; this is for eyes (and the note).
 */
import JSZip from 'jszip';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { auth, createTestApp } from '../tests/helpers/app';
import { runRegister } from '../tests/helpers/opinions-register';

const out = resolve('test-artifacts/opinions-report');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const runs = (xml: string) => decode([...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''));

/** The document's paragraphs and tables in order; a table as "a | b | c" rows. */
async function docxAsText(buf: Buffer): Promise<string> {
  const xml = await (await JSZip.loadAsync(buf)).file('word/document.xml')!.async('string');
  const lines: string[] = [];
  // The report's tables are not nested (the header and signature layout tables hold paragraphs only).
  for (const m of xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>|<w:p[ >][\s\S]*?<\/w:p>/g)) {
    if (m[0].startsWith('<w:tbl>')) {
      const rows = [...m[0].matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((row) =>
        [...row[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => [...c[0].matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => runs(p[0])).filter(Boolean).join(' / ')),
      );
      lines.push('', ...rows.map((r) => `| ${r.join(' | ')} |`), '');
    } else lines.push(runs(m[0]));
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

const t = await createTestApp();
try {
  const f = await runRegister(t);
  for (const [name, from, to] of [
    ['2026-08-01_2026-09-30', '2026-08-01', '2026-09-30'],
    ['2026-09', '2026-09-01', '2026-09-30'],
  ] as const) {
    for (const ext of ['json', 'docx', 'xlsx'] as const) {
      const res = await t.app.inject({ url: `/api/reports/opinions.${ext}?from=${from}&to=${to}&unitId=${f.units.a}`, headers: auth(f.tokens.sec) });
      if (res.statusCode !== 200) throw new Error(`${name}.${ext}: ${res.statusCode} ${res.body}`);
      writeFileSync(join(out, `${name}.${ext}`), ext === 'json' ? JSON.stringify(res.json(), null, 2) : res.rawPayload);
      if (ext === 'docx') writeFileSync(join(out, `${name}.txt`), await docxAsText(res.rawPayload));
    }
  }
  console.log('written to', out);
} finally {
  await t.close();
}
