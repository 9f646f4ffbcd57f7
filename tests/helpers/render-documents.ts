import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auth, type TestApp } from './app';
import type { FullDialogue } from './documents';

/**
 * The documents of a full dialogue as a clerk receives them, converted the
 * way a clerk opens them: LibreOffice for the DOCX and XLSX, a browser's
 * print for the HTML. Shared by tests/server/documents-render.test.ts and
 * scripts/render-documents.ts. No vitest import (the script uses it).
 */
export const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find(existsSync);
export const POPPLER = existsSync('/usr/bin/pdftoppm') && existsSync('/usr/bin/pdftotext');
export const DOCUMENT_FILES = ['minutes.docx', 'minutes.html', 'conclusions.docx', 'conclusions.html', 'questions.csv', 'questions.xlsx'] as const;

/** Saves the notice the way the secretariat would send it: the draft's tasks and recipients, an assessment, the office's signature. */
export async function saveConclusions(t: TestApp, f: FullDialogue): Promise<void> {
  const url = `/api/sessions/${f.session.id}/conclusions`;
  const draft = (await t.app.inject({ url, headers: auth(f.tokens.sec) })).json();
  const saved = await t.app.inject({
    method: 'PUT',
    url,
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
}

/** Writes every document as served into `out` (emptied first). */
export async function writeDocuments(t: TestApp, f: FullDialogue, out: string): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const file of DOCUMENT_FILES) {
    const res = await t.app.inject({ url: `/api/sessions/${f.session.id}/${file}`, headers: auth(f.tokens.sec) });
    if (res.statusCode !== 200) throw new Error(`${file}: ${res.statusCode}`);
    writeFileSync(join(out, file), res.rawPayload);
  }
}

/** DOCX and XLSX to PDF with LibreOffice, in one start of it (each start costs seconds). */
export function convertWithLibreOffice(out: string, files: string[] = ['minutes.docx', 'conclusions.docx', 'questions.xlsx']): void {
  if (!SOFFICE) throw new Error('LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui');
  const profile = join(out, '.lo-profile');
  execFileSync(
    SOFFICE,
    [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', out, ...files.map((f) => join(out, f))],
    { stdio: 'ignore', timeout: 180_000 },
  );
  rmSync(profile, { recursive: true, force: true });
}

/** Every page of a PDF as a PNG beside it (name-1.png, name-2.png, …), to look at. */
export function pagesToPng(pdf: string, dpi = 80): void {
  execFileSync('pdftoppm', ['-png', '-r', String(dpi), pdf, pdf.replace(/\.pdf$/, '')]);
}

/** The text of each page, laid out as printed (pdftotext -layout; pages end with a form feed). */
export function pageTexts(pdf: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  return text.split('\f').slice(0, -1);
}

/** Page size in points and the fonts embedded, as pdfinfo and pdffonts report them. */
export function pdfFacts(pdf: string): { pages: number; width: number; height: number; fonts: string[] } {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)!;
  const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .map((l) => l.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, ''))
    .filter(Boolean);
  return { pages: Number(/Pages:\s+(\d+)/.exec(info)![1]), width: Number(size[1]), height: Number(size[2]), fonts };
}
