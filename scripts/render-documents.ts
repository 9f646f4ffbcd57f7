/**
 * Renders every document of a full dialogue (tests/helpers/documents.ts) and
 * converts them with LibreOffice, for a person to look at page by page:
 *
 *   npx tsx scripts/render-documents.ts     # needs soffice and pdftoppm
 *
 * Writes test-artifacts/documents/: the DOCX, HTML, CSV and XLSX as served,
 * each converted to PDF by LibreOffice, and every PDF page as a PNG. The
 * HTML pages are also printed to PDF by Chromium when /usr/bin/chromium is
 * there. tests/server/documents-render.test.ts does the same and checks the
 * pages as laid out; documents.test.ts checks the files' structure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTestApp } from '../tests/helpers/app';
import { runFullDialogue } from '../tests/helpers/documents';
import { convertWithLibreOffice, pagesToPng, saveConclusions, SOFFICE, writeDocuments } from '../tests/helpers/render-documents';

const out = resolve('test-artifacts/documents');
const t = await createTestApp({ ORG_NAME: 'UBND TỈNH TUYÊN QUANG', ORG_ABBREVIATION: 'UBND' });
try {
  const f = await runFullDialogue(t);
  await saveConclusions(t, f);
  await writeDocuments(t, f, out);
} finally {
  await t.close();
}

if (!SOFFICE) {
  console.error('LibreOffice (soffice) is not installed: the files are in', out, 'but not converted.');
  process.exit(1);
}
convertWithLibreOffice(out);
if (existsSync('/usr/bin/chromium')) {
  for (const file of ['minutes.html', 'conclusions.html']) {
    execFileSync('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--print-to-pdf=${join(out, file.replace('.html', '.html.pdf'))}`, '--no-pdf-header-footer', `file://${join(out, file)}`], {
      stdio: 'ignore',
    });
  }
}
for (const pdf of readdirSync(out).filter((n) => n.endsWith('.pdf'))) pagesToPng(join(out, pdf), 60);
console.log(readdirSync(out).sort().join('\n'));
