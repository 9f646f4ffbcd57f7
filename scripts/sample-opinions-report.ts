/**
 * The period report of the sample register (tests/helpers/opinions-register.ts:
 * two units, three dialogues in August and September 2026, a reception day,
 * letters, a repeat, July's opinions carried over), printed as JSON:
 *
 *   npx tsx scripts/sample-opinions-report.ts [from] [to]     # default 2026-08-01 2026-09-30, the province
 *
 * Also writes the DOCX and XLSX of the same period to test-artifacts/opinions-report/.
 * With --short the annex and the carried-over list are left out of what is printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { auth, createTestApp } from '../tests/helpers/app';
import { runRegister } from '../tests/helpers/opinions-register';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const short = process.argv.includes('--short');
const [from = '2026-08-01', to = '2026-09-30'] = args;
const out = resolve('test-artifacts/opinions-report');
mkdirSync(out, { recursive: true });

const t = await createTestApp();
try {
  const f = await runRegister(t);
  const q = `from=${from}&to=${to}&unitId=${f.units.a}`;
  const get = (ext: string) => t.app.inject({ url: `/api/reports/opinions.${ext}?${q}`, headers: auth(f.tokens.sec) });
  const json = await get('json');
  if (json.statusCode !== 200) throw new Error(json.body);
  const report = json.json();
  writeFileSync(resolve(out, 'report.docx'), (await get('docx')).rawPayload);
  writeFileSync(resolve(out, 'report.xlsx'), (await get('xlsx')).rawPayload);
  writeFileSync(resolve(out, 'report.json'), JSON.stringify(report, null, 2));
  if (short) {
    report.opinions = `${report.opinions.length} opinions (annex; see report.json)`;
    report.carryOver.opinions = report.carryOver.opinions.map((o: { id: number; receivedAt: string; state: string; doneDate: string | null }) => ({ id: o.id, receivedAt: o.receivedAt, state: o.state, doneDate: o.doneDate }));
    report.byField.rows = report.byField.rows.filter((r: { counts: { total: number } }) => r.counts.total > 0);
  }
  console.log(JSON.stringify(report, null, short ? 1 : 2));
} finally {
  await t.close();
}
