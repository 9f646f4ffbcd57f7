/**
 * Renders every document of a full dialogue (tests/helpers/documents.ts) and
 * converts them with LibreOffice, for a person to look at page by page:
 *
 *   npx tsx scripts/render-documents.ts     # needs soffice and pdftoppm
 *
 * Writes test-artifacts/documents/: the DOCX, HTML, CSV and XLSX as served,
 * each converted to PDF by LibreOffice, and every PDF page as a PNG. The
 * HTML pages are also printed to PDF by Chromium when /usr/bin/chromium is
 * there. The vitest tests check the files' structure; this is for eyes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { auth, createTestApp } from '../tests/helpers/app';
import { runFullDialogue } from '../tests/helpers/documents';

const out = resolve('test-artifacts/documents');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const t = await createTestApp({ ORG_NAME: 'UBND TỈNH TUYÊN QUANG', ORG_ABBREVIATION: 'UBND' });
try {
  const f = await runFullDialogue(t);
  // A notice as the secretariat would send it: the draft, with an assessment and the office's signature.
  const draft = (await t.app.inject({ url: `/api/sessions/${f.session.id}/conclusions`, headers: auth(f.tokens.sec) })).json();
  const saved = await t.app.inject({
    method: 'PUT',
    url: `/api/sessions/${f.session.id}/conclusions`,
    headers: auth(f.tokens.sec),
    payload: {
      subject: null,
      assessment:
        'Hội nghị diễn ra nghiêm túc, dân chủ; các ý kiến của thanh niên thẳng thắn, tâm huyết.\nCác sở, ngành đã trả lời rõ, đúng trọng tâm.',
      tasks: draft.tasks,
      recipients: draft.recipients,
      authority: { mode: 'TL', of: 'Chủ tịch', position: 'Chánh Văn phòng', name: 'Ông Vũ Đình Hưng' },
    },
  });
  if (saved.statusCode !== 200) throw new Error(saved.body);
  const files = ['minutes.docx', 'minutes.html', 'conclusions.docx', 'conclusions.html', 'questions.csv', 'questions.xlsx'];
  for (const file of files) {
    const res = await t.app.inject({ url: `/api/sessions/${f.session.id}/${file}`, headers: auth(f.tokens.sec) });
    if (res.statusCode !== 200) throw new Error(`${file}: ${res.statusCode}`);
    writeFileSync(join(out, file), res.rawPayload);
  }
} finally {
  await t.close();
}

const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find(existsSync);
if (!soffice) {
  console.error('LibreOffice (soffice) is not installed: the files are in', out, 'but not converted.');
  process.exit(1);
}
const profile = join(out, '.lo-profile');
for (const file of ['minutes.docx', 'conclusions.docx', 'questions.xlsx']) {
  execFileSync(soffice, [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', out, join(out, file)], {
    stdio: 'inherit',
  });
}
rmSync(profile, { recursive: true, force: true });
if (existsSync('/usr/bin/chromium')) {
  for (const file of ['minutes.html', 'conclusions.html']) {
    execFileSync('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--print-to-pdf=${join(out, file.replace('.html', '.html.pdf'))}`, '--no-pdf-header-footer', `file://${join(out, file)}`], {
      stdio: 'ignore',
    });
  }
}
for (const pdf of readdirSync(out).filter((n) => n.endsWith('.pdf'))) {
  execFileSync('pdftoppm', ['-png', '-r', '60', join(out, pdf), join(out, pdf.replace(/\.pdf$/, ''))]);
}
console.log(readdirSync(out).sort().join('\n'));
