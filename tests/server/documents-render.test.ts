import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app';
import { CHROMIUM } from '../helpers/browser';
import { runFullDialogue, type FullDialogue } from '../helpers/documents';
import { convertWithLibreOffice, pagesToPng, pageTexts, pdfFacts, POPPLER, saveConclusions, SOFFICE, writeDocuments } from '../helpers/render-documents';

/**
 * The documents as a clerk opens them (issue 16): the DOCX and XLSX converted
 * by LibreOffice, the printable HTML printed by Chromium, each to PDF and
 * every page to PNG in test-artifacts/documents/ for a person to look at.
 * The checks here are on the pages as laid out, which the XML checks of
 * documents.test.ts cannot see: where the pages break, what is on the page
 * that is signed, which face was used. `.ci/run` installs LibreOffice and
 * poppler; without them this file is skipped with the reason in its name.
 */
const OUT = resolve('test-artifacts/documents');
const tools = Boolean(SOFFICE && POPPLER);
// The pages do not depend on the database engine: laid out once, in the SQLite run (`npm run test:pg` skips them).
const onPg = process.env.TEST_DB === 'pg';
const flat = (s: string) => s.replace(/\s+/g, ' ');

describe.skipIf(!tools || onPg)('documents as laid out on paper (LibreOffice, Chromium; needs soffice and poppler-utils)', { timeout: 240_000 }, () => {
  let t: TestApp;
  let f: FullDialogue;
  let pages: Record<'minutes' | 'conclusions' | 'questions' | 'minutesHtml' | 'conclusionsHtml', string[]>;

  beforeAll(async () => {
    t = await createTestApp({ ORG_NAME: 'UBND TỈNH TUYÊN QUANG', ORG_ABBREVIATION: 'UBND' });
    f = await runFullDialogue(t);
    await saveConclusions(t, f);
    await writeDocuments(t, f, OUT);
    convertWithLibreOffice(OUT);
    const html: string[] = [];
    if (existsSync(CHROMIUM)) {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
      try {
        for (const name of ['minutes', 'conclusions']) {
          const page = await browser.newPage();
          await page.setContent(readFileSync(join(OUT, `${name}.html`), 'utf8'), { waitUntil: 'load' });
          await page.pdf({ path: join(OUT, `${name}.html.pdf`), preferCSSPageSize: true, format: 'A4', printBackground: true });
          html.push(name);
        }
      } finally {
        await browser.close();
      }
    }
    for (const pdf of readdirSync(OUT).filter((n) => n.endsWith('.pdf'))) pagesToPng(join(OUT, pdf));
    const read = (name: string) => (existsSync(join(OUT, name)) ? pageTexts(join(OUT, name)).map(flat) : []);
    pages = {
      minutes: read('minutes.pdf'),
      conclusions: read('conclusions.pdf'),
      questions: read('questions.pdf'),
      minutesHtml: read('minutes.html.pdf'),
      conclusionsHtml: read('conclusions.html.pdf'),
    };
  }, 240_000);
  afterAll(() => t?.close());

  /** The one page holding `marker`, which must exist and be unique. */
  const pageWith = (doc: string[], marker: string): string => {
    const found = doc.filter((p) => p.includes(marker));
    expect(found, `pages with "${marker}"`).toHaveLength(1);
    return found[0]!;
  };

  it('lays the minutes out on A4 in Times (or its metric twin), diacritics whole, numbered from page 2', () => {
    const facts = pdfFacts(join(OUT, 'minutes.pdf'));
    expect(Math.round(facts.width)).toBe(595);
    expect(Math.round(facts.height)).toBe(842);
    expect(facts.pages).toBeGreaterThanOrEqual(2);
    // Times New Roman, or Liberation Serif where it is not installed: never a fallback face with other metrics.
    expect(facts.fonts.filter((f) => !/^(TimesNewRoman|LiberationSerif)/.test(f))).toEqual([]);
    const first = pages.minutes[0]!;
    for (const text of ['ỦY BAN NHÂN DÂN', 'TỈNH TUYÊN QUANG', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'BIÊN BẢN']) {
      expect(first, text).toContain(text);
    }
    expect(first).toContain('Chủ trì (chủ tọa): Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh.');
    expect(first).toMatch(/Số: \/BB-UBND/);
    expect(first).toMatch(/Tuyên Quang, ngày \d{2} tháng \d{1,2} năm \d{4}/);
    expect(first.trimStart()).not.toMatch(/^1 /);
    expect(pages.minutes[1]!.trimStart()).toMatch(/^2 /);
  });

  it('keeps the minutes\' signature block whole, with the closing lines above it, names alone under it', () => {
    const signed = pageWith(pages.minutes, 'CHỦ TỌA');
    expect(signed).toContain('THƯ KÝ');
    expect(signed).toContain('Hội nghị kết thúc vào');
    expect(signed).toContain('Biên bản đã được đọc lại');
    // The names follow their roles on the same page, and nothing else stands under a signature.
    expect(signed).toMatch(/THƯ KÝ CHỦ TỌA \(Ký, ghi rõ họ tên\) \(Ký, ghi rõ họ tên\) Lê Thị Hạnh Nguyễn Văn Sơn/);
    const recipients = pageWith(pages.minutes, 'Nơi nhận:');
    expect(recipients).toContain('Lưu: VT');
  });

  it('signs the notice with its authority on the page of its closing sentence, beside its recipients', () => {
    const facts = pdfFacts(join(OUT, 'conclusions.pdf'));
    expect(Math.round(facts.width)).toBe(595);
    expect(facts.fonts.filter((f) => !/^(TimesNewRoman|LiberationSerif)/.test(f))).toEqual([]);
    expect(pages.conclusions[0]).toContain('Kết luận của Chủ tịch UBND tỉnh tại Hội nghị đối thoại');
    expect(pages.conclusions[0]).toMatch(/Số: \/TB-UBND/);
    const signed = pageWith(pages.conclusions, 'TL. CHỦ TỊCH');
    expect(signed).toContain('CHÁNH VĂN PHÒNG');
    expect(signed).toContain('Vũ Đình Hưng');
    expect(signed).not.toContain('Ông Vũ Đình Hưng');
    expect(signed).toContain('thông báo để các cơ quan, đơn vị, cá nhân có liên quan biết, thực hiện');
    expect(signed).toContain('Nơi nhận:');
    expect(signed).toContain('Thường trực Tỉnh ủy (b/c)');
    expect(signed).toContain('Lưu: VT.');
  });

  it('prints the question lists landscape, with the header row on every page and the title rows on the first', () => {
    const facts = pdfFacts(join(OUT, 'questions.pdf'));
    expect(facts.width).toBeGreaterThan(facts.height);
    expect(facts.fonts.filter((f) => !/^(TimesNewRoman|LiberationSerif)/.test(f))).toEqual([]);
    expect(pages.questions.length).toBeGreaterThanOrEqual(2);
    for (const [i, page] of pages.questions.entries()) {
      expect(page, `page ${i + 1}`).toContain('Mã tra cứu');
      expect(page, `page ${i + 1}`).toContain('Nội dung câu hỏi');
    }
    expect(pages.questions[0]).toContain('DANH SÁCH CÂU HỎI, Ý KIẾN, KIẾN NGHỊ CỦA CÔNG DÂN');
    // Every question is on paper with its tracking code, once on each sheet.
    const printed = pages.questions.join(' ');
    for (const q of Object.values(f.q)) expect(printed.split(q.trackingCode!).length - 1, q.trackingCode!).toBe(2);
    expect(printed).toContain('Đã gộp vào câu hỏi số 1');
  });

  it.skipIf(!existsSync(CHROMIUM))('prints the HTML versions with the signature block and "Nơi nhận" never alone', () => {
    const signed = pageWith(pages.minutesHtml, 'CHỦ TỌA');
    expect(signed).toContain('Hội nghị kết thúc vào');
    expect(signed).toContain('Nguyễn Văn Sơn');
    const recipients = pageWith(pages.minutesHtml, 'Nơi nhận:');
    expect(recipients).toContain('Lưu: VT');
    const notice = pageWith(pages.conclusionsHtml, 'TL. CHỦ TỊCH');
    expect(notice).toContain('Vũ Đình Hưng');
    expect(notice).toContain('thông báo để các cơ quan');
  });
});
