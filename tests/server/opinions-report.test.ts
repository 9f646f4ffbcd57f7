import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpinionsReport, OutcomeCounts } from '../../shared/schemas/opinions-report';
import { presetPeriod, periodWordsVi, presetOf } from '../../shared/periods';
import { REPORT_HEADER_ROW } from '../../server/export/opinions-report.xlsx';
import { auth, createStaff, createTestApp, errorCode, type TestApp } from '../helpers/app';
import { runRegister, type RegisterFixture } from '../helpers/opinions-register';

/** The rows of every table of a Word document, as cell texts. */
async function docxTables(buf: Buffer): Promise<{ text: string; tables: string[][][] }> {
  const xml = await (await JSZip.loadAsync(buf)).file('word/document.xml')!.async('string');
  const texts = (s: string) =>
    [...s.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
      .map((m) => m[1])
      .join('')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"');
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => texts(m[0]));
  // Only the innermost tables (the header and signature layout tables hold no nested tables; figures tables are not nested).
  const tables = [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((m) =>
    [...m[1]!.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((row) => [...row[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => texts(c[0]))),
  );
  return { text: paragraphs.join('\n'), tables };
}

const sumOutcomes = (c: OutcomeCounts) => c.resolved + c.in_progress + c.explained + c.unresolved + c.transferred + c.none;

describe('the period report of the opinions register (issue 15)', () => {
  let t: TestApp;
  let f: RegisterFixture;
  const get = (url: string, token = f.tokens.sec) => t.app.inject({ url, headers: auth(token) });
  const report = async (from: string, to: string, unitId = f.units.a): Promise<OpinionsReport> => {
    const res = await get(`/api/reports/opinions.json?from=${from}&to=${to}&unitId=${unitId}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    t = await createTestApp();
    f = await runRegister(t);
  }, 120_000);
  afterAll(() => t.close());

  it('counts August and September of the province: overview, tables that add up, each matter once', async () => {
    const r = await report('2026-08-01', '2026-09-30');
    expect(r.unit.name).toBe('ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG');
    expect(r.period).toMatchObject({ from: '2026-08-01', to: '2026-09-30', preset: 'range', words: 'từ ngày 01/08/2026 đến ngày 30/09/2026' });
    expect(r.asOf).toBe('2026-09-30');
    const o = r.overview;
    // Two dialogues of the province (the commune's is not its), with their chairs and audiences.
    expect(o.dialogues.map((d) => [d.title, d.date, d.chair, d.audienceGroup, d.participants, d.opinions])).toEqual([
      ['Đối thoại với thanh niên tháng 8', '2026-08-12', 'Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh', 'youth', 120, 4],
      ['Đối thoại với thanh niên tháng 9', '2026-09-15', 'Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh', 'youth', 95, 2],
    ]);
    expect(o.participants).toBe(215);
    // 6 questions approved or later (the rejected one is no opinion) and 2 entered.
    expect(o).toMatchObject({ received: 8, fromDialogues: 6, fromOtherChannels: 2, repeats: 2, afterMerging: 6, answeredOnSpot: 2, deferred: 2, answered: 3 });
    expect(o.byChannel).toEqual([
      { channel: 'app', count: 6 },
      { channel: 'reception', count: 1 },
      { channel: 'letter', count: 1 },
    ]);
    // The repeat (a letter) and the merged question are listed, counted under what they repeat.
    const annex = new Map(r.opinions.map((x) => [x.id, x]));
    expect(r.opinions).toHaveLength(8);
    expect(annex.get(f.o.letterRepeat)!.countedWithId).toBe(f.o.reception);
    expect(annex.get(f.o.roadAgain)!.countedWithId).toBe(f.o.road);
    expect(r.opinions.filter((x) => x.countedWithId === null)).toHaveLength(6);

    // Field × outcome: every matter once; "not classified" is its own row.
    const field = (name: string | null) => r.byField.rows.find((x) => x.label === name)!.counts;
    expect(field('Giao thông, xây dựng, thủy lợi')).toMatchObject({ in_progress: 1, total: 1 });
    expect(field('Giáo dục')).toMatchObject({ explained: 1, total: 1 });
    expect(field('Y tế')).toMatchObject({ none: 1, total: 1 });
    expect(field('Đất đai, môi trường')).toMatchObject({ resolved: 1, total: 1 });
    expect(field(null)).toMatchObject({ total: 0 });
    expect(r.byField.totals).toEqual({ resolved: 2, in_progress: 1, explained: 1, unresolved: 0, transferred: 0, none: 2, total: 6 });
    for (const tbl of [r.byField, r.byLevel]) {
      expect(tbl.rows.reduce((n, x) => n + x.counts.total, 0)).toBe(o.afterMerging);
      for (const x of tbl.rows) expect(sumOutcomes(x.counts)).toBe(x.counts.total);
      expect(sumOutcomes(tbl.totals)).toBe(tbl.totals.total);
    }
    expect(r.byLevel.rows.map((x) => [x.key, x.counts.total])).toEqual([
      ['central', 0],
      ['province', 4],
      ['commune', 1],
      ['other', 1],
      [null, 0],
    ]);

    // Agency × timeliness, judged on 30 September by each opinion's deadline.
    const agency = (name: string | null) => r.byAgency.rows.find((x) => x.agency === name);
    expect(agency('Sở Nông nghiệp và Môi trường')).toMatchObject({ assigned: 1, onTime: 1, late: 0, outstanding: 0 });
    expect(agency('Sở Giáo dục và Đào tạo')).toMatchObject({ assigned: 1, onTime: 0, late: 1, outstanding: 0 });
    expect(agency('Sở Nội vụ')).toMatchObject({ assigned: 1, onTime: 1 });
    expect(agency('Sở Xây dựng')).toMatchObject({ assigned: 1, outstanding: 1, overdue: 0 });
    expect(agency('Công ty Điện lực Tuyên Quang')).toMatchObject({ assigned: 1, outstanding: 1, overdue: 0 });
    expect(agency(null)).toMatchObject({ assigned: 1, outstanding: 1 });
    expect(r.byAgency.totals).toEqual({ agency: null, assigned: 6, onTime: 2, late: 1, outstanding: 3, overdue: 0 });
    for (const a of [...r.byAgency.rows, r.byAgency.totals]) expect(a.onTime + a.late + a.outstanding).toBe(a.assigned);

    // Carried over from July: one dealt with in August, one still open and past its deadline.
    expect(r.carryOver).toMatchObject({ count: 2, dealtWith: 1, outstanding: 1, overdue: 1 });
    expect(r.carryOver.byOutcome).toMatchObject({ resolved: 1, total: 1 });
    expect(r.carryOver.opinions.map((x) => [x.id, x.state, x.doneDate])).toEqual([
      [f.o.julyReception, 'outstanding', null],
      [f.o.julyLetter, 'dealt_with', '2026-08-25'],
    ]);
  });

  it('carries over across the period boundary: September starts with what August left open', async () => {
    const r = await report('2026-09-01', '2026-09-30');
    expect(r.overview).toMatchObject({ received: 3, repeats: 0, afterMerging: 3 });
    // The repeat's first opinion is in August: in September the repeat stands for its matter.
    expect(r.opinions.find((x) => x.id === f.o.letterRepeat)!.countedWithId).toBeNull();
    const c = r.carryOver;
    // road (merged question counted with it), fees, clinic, the reception and the July reception.
    expect(c.opinions.map((x) => x.id).sort((a, b) => a - b)).toEqual([f.o.road, f.o.fees, f.o.clinic, f.o.reception, f.o.julyReception].sort((a, b) => a - b));
    expect(c).toMatchObject({ count: 5, dealtWith: 2, outstanding: 3, overdue: 1 });
    expect(c.byOutcome).toMatchObject({ explained: 1, resolved: 1, total: 2 });
    // August alone: its carry-over is July's; the same opinions August's report counted as its own are not carried.
    const aug = await report('2026-08-01', '2026-08-31');
    expect(aug.carryOver.count).toBe(2);
    expect(aug.overview.received).toBe(5);
    // What August leaves open is what September carries (minus what was dealt with before 1 September).
    const openAtEndOfAugust = [...aug.carryOver.opinions.filter((x) => x.state === 'outstanding').map((x) => x.id), ...aug.opinions.filter((x) => x.countedWithId === null && !(x.doneDate && x.doneDate < '2026-09-01')).map((x) => x.id)];
    expect(openAtEndOfAugust.sort((a, b) => a - b)).toEqual(c.opinions.map((x) => x.id).sort((a, b) => a - b));
  });

  it('reports the commune apart, and a quarter by its name', async () => {
    const r = await report('2026-07-01', '2026-09-30', f.units.b);
    expect(r.period).toMatchObject({ preset: 'quarter', words: 'quý III năm 2026' });
    expect(r.overview.dialogues.map((d) => [d.title, d.chair, d.audienceGroup])).toEqual([['Đối thoại với nông dân xã Hòa Bình', 'Bà Lê Thị Mai, Chủ tịch UBND xã', 'farmer']]);
    expect(r.overview).toMatchObject({ received: 1, afterMerging: 1, answeredOnSpot: 1 });
    expect(r.byField.totals).toMatchObject({ resolved: 1, total: 1 });
    expect(r.carryOver.count).toBe(0);
    const q3 = await report('2026-07-01', '2026-09-30');
    // July's opinions are the quarter's own: nothing carried over.
    expect(q3.overview.received).toBe(10);
    expect(q3.carryOver.count).toBe(0);
  });

  it('the Word report holds the same numbers, in the Decree 30 layout of the unit', async () => {
    const r = await report('2026-08-01', '2026-09-30');
    const res = await get('/api/reports/opinions.docx?from=2026-08-01&to=2026-09-30&unitId=' + f.units.a);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('Báo cáo'));
    const { text, tables } = await docxTables(res.rawPayload);
    expect(text).toContain('ỦY BAN NHÂN DÂN');
    expect(text).toContain('TỈNH TUYÊN QUANG');
    expect(text).toContain('/BC-UBND');
    expect(text).toMatch(/Tuyên Quang, ngày \d{2} tháng \d{1,2} năm \d{4}/);
    expect(text).toContain('BÁO CÁO');
    expect(text).toContain('Kết quả tiếp nhận, giải quyết ý kiến, kiến nghị của Nhân dân từ ngày 01/08/2026 đến ngày 30/09/2026');
    // A plain range is named by its dates once; a named period (the quarter below) is followed by its dates.
    expect(text).toContain('Ủy ban nhân dân tỉnh Tuyên Quang báo cáo kết quả tiếp nhận, giải quyết ý kiến, kiến nghị của Nhân dân từ ngày 01/08/2026 đến ngày 30/09/2026 như sau:');
    const quarter = await docxTables((await get(`/api/reports/opinions.docx?from=2026-07-01&to=2026-09-30&unitId=${f.units.a}`)).rawPayload);
    expect(quarter.text).toContain('của Nhân dân quý III năm 2026 (từ ngày 01/07/2026 đến ngày 30/09/2026) như sau:');
    expect(text).toContain('trong kỳ đã tổ chức 2 hội nghị đối thoại với 215 lượt người tham dự');
    expect(text).toContain('tổng số ý kiến, kiến nghị tiếp nhận trong kỳ: 8');
    expect(text).toContain('còn 6 ý kiến, kiến nghị; trong đó: trả lời trực tiếp tại hội nghị: 2; chuyển trả lời bằng văn bản: 2; đã có trả lời: 3');
    expect(text).toContain('chủ trì: Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh');
    expect(text).toContain('Nơi nhận:');
    expect(text).toContain('TM. ỦY BAN NHÂN DÂN');
    expect(text).toContain('CHỦ TỊCH');
    // The tables: the header row, then the rows, then "Tổng cộng".
    const byHead = (first: string) => tables.find((tb) => tb[0]?.[0] === first)!;
    const fieldTable = byHead('Lĩnh vực');
    expect(fieldTable[0]).toEqual(['Lĩnh vực', 'Tổng số', 'Đã giải quyết', 'Đang giải quyết', 'Đã giải thích', 'Chưa giải quyết được', 'Đã chuyển', 'Chưa cập nhật']);
    const totals = (tb: string[][]) => tb.find((row) => row[0] === 'Tổng cộng')!.slice(1).map(Number);
    const t = r.byField.totals;
    expect(totals(fieldTable)).toEqual([t.total, t.resolved, t.in_progress, t.explained, t.unresolved, t.transferred, t.none]);
    expect(fieldTable.find((row) => row[0] === 'Chưa phân loại')).toBeTruthy();
    // Each table's rows add up to its totals row.
    for (const tb of [fieldTable, byHead('Cấp')]) {
      const body = tb.slice(1, -1);
      for (let k = 1; k < tb[0]!.length; k++) expect(body.reduce((n, row) => n + Number(row[k]), 0)).toBe(totals(tb)[k - 1]);
    }
    const agencyTable = byHead('Cơ quan chủ trì');
    const a = r.byAgency.totals;
    expect(totals(agencyTable)).toEqual([a.assigned, a.onTime, a.late, a.outstanding, a.overdue]);
    expect(agencyTable.find((row) => row[0] === 'Sở Giáo dục và Đào tạo')).toEqual(['Sở Giáo dục và Đào tạo', '1', '0', '1', '0', '0']);
    // The annex lists every opinion; the carry-over its two.
    expect(byHead('STT').length).toBeGreaterThan(1);
    const annex = tables.find((tb) => tb[0]?.[0] === 'STT' && tb[0]?.[2] === 'Nguồn')!;
    expect(annex).toHaveLength(1 + r.opinions.length);
    expect(annex.some((row) => row[9]!.includes('trùng nội dung, tính chung với ý kiến số'))).toBe(true);
    const carried = tables.find((tb) => tb[0]?.[5] === 'Kết quả đến cuối kỳ')!;
    expect(carried).toHaveLength(1 + r.carryOver.count);
    expect(text).toContain('chưa giải quyết xong: 2; trong kỳ đã giải quyết xong: 1 (đã giải quyết: 1); còn lại chưa giải quyết xong: 1 (trong đó quá hạn: 1)');
  });

  it('the workbook has one sheet per table and the list, with the same numbers', async () => {
    const r = await report('2026-08-01', '2026-09-30');
    const res = await get(`/api/reports/opinions.xlsx?from=2026-08-01&to=2026-09-30&unitId=${f.units.a}`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng quan', 'Theo lĩnh vực', 'Theo cấp', 'Theo cơ quan', 'Kỳ trước chuyển sang', 'Danh sách']);
    const rows = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      const out: unknown[][] = [];
      ws.eachRow((row, n) => {
        if (n > REPORT_HEADER_ROW) out.push((row.values as unknown[]).slice(1));
      });
      return out;
    };
    const overview = new Map(rows('Tổng quan').map((x) => [x[0], x[1]]));
    expect(overview.get('Ý kiến, kiến nghị tiếp nhận')).toBe(8);
    expect(overview.get('Sau khi gộp trùng')).toBe(6);
    expect(overview.get('Trùng nội dung, đã gộp')).toBe(2);
    expect(overview.get('Trả lời trực tiếp tại hội nghị')).toBe(2);
    expect(overview.get('Kỳ trước chuyển sang')).toBe(2);
    const fieldTotals = rows('Theo lĩnh vực').find((x) => x[0] === 'Tổng cộng')!;
    const t = r.byField.totals;
    expect(fieldTotals).toEqual(['Tổng cộng', t.total, t.resolved, t.in_progress, t.explained, t.unresolved, t.transferred, t.none]);
    const levelRows = rows('Theo cấp');
    expect(levelRows.map((x) => x[0])).toEqual(['Trung ương', 'Cấp tỉnh', 'Cấp xã', 'Cơ quan, tổ chức khác', 'Chưa phân loại', 'Tổng cộng']);
    expect(levelRows.slice(0, -1).reduce((n, x) => n + (x[1] as number), 0)).toBe(levelRows.at(-1)![1]);
    const a = r.byAgency.totals;
    expect(rows('Theo cơ quan').find((x) => x[0] === 'Tổng cộng')).toEqual(['Tổng cộng', a.assigned, a.onTime, a.late, a.outstanding, a.overdue]);
    expect(rows('Kỳ trước chuyển sang')).toHaveLength(2);
    const list = rows('Danh sách');
    expect(list).toHaveLength(8);
    expect(list.some((x) => String(x[4]).includes('Đề nghị cấp giấy chứng nhận quyền sử dụng đất'))).toBe(true);
  });

  it('in all three formats, for August–September and for September alone: every table adds up to the matters after merging, every opinion is listed once, and the carry-over is the same', async () => {
    const sum = (rows: number[][], k: number) => rows.reduce((n, row) => n + row[k]!, 0);
    for (const [from, to] of [
      ['2026-08-01', '2026-09-30'],
      ['2026-09-01', '2026-09-30'],
    ] as const) {
      const q = `from=${from}&to=${to}&unitId=${f.units.a}`;
      const r = await report(from, to);
      const carriedIds = r.carryOver.opinions.map((x) => x.id);
      // September's carry-over is the five August left open (the JSON test above names them), August–September's July's two.
      expect(carriedIds, q).toHaveLength(from === '2026-09-01' ? 5 : 2);

      // The Word report.
      const { text, tables } = await docxTables((await get(`/api/reports/opinions.docx?${q}`)).rawPayload);
      const byHead = (first: string) => tables.find((tb) => tb[0]?.[0] === first)!;
      for (const head of ['Lĩnh vực', 'Cấp', 'Cơ quan chủ trì']) {
        const tb = byHead(head);
        const body = tb.slice(1, -1).map((row) => row.slice(1).map(Number));
        const total = tb.at(-1)!;
        expect(total[0], `${q} ${head}`).toBe('Tổng cộng');
        for (let k = 0; k < body[0]!.length; k++) expect(sum(body, k), `${q} ${head} column ${k}`).toBe(Number(total[k + 1]));
        // Each matter once in each table: the first figure column (total, or assigned) adds up to the matters after merging.
        expect(Number(total[1]), `${q} ${head}`).toBe(r.overview.afterMerging);
      }
      const annex = tables.find((tb) => tb[0]?.[0] === 'STT' && tb[0]?.[2] === 'Nguồn')!;
      expect(annex.slice(1).map((row) => row[0]), q).toEqual(r.opinions.map((_, k) => String(k + 1)));
      const carriedDocx = tables.find((tb) => tb[0]?.[5] === 'Kết quả đến cuối kỳ')!;
      expect(carriedDocx.slice(1).map((row) => row[2]), q).toEqual(r.carryOver.opinions.map((x) => x.text));
      expect(text, q).toContain(`chưa giải quyết xong: ${r.carryOver.count}; trong kỳ đã giải quyết xong: ${r.carryOver.dealtWith}`);
      expect(text, q).toContain(`còn lại chưa giải quyết xong: ${r.carryOver.outstanding} (trong đó quá hạn: ${r.carryOver.overdue})`);

      // The workbook.
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await get(`/api/reports/opinions.xlsx?${q}`)).rawPayload as unknown as ArrayBuffer);
      const rows = (name: string) => {
        const out: unknown[][] = [];
        wb.getWorksheet(name)!.eachRow((row, n) => {
          if (n > REPORT_HEADER_ROW) out.push((row.values as unknown[]).slice(1));
        });
        return out;
      };
      for (const name of ['Theo lĩnh vực', 'Theo cấp', 'Theo cơ quan']) {
        const all = rows(name);
        const total = all.at(-1)!;
        expect(total[0], `${q} ${name}`).toBe('Tổng cộng');
        const body = all.slice(0, -1).map((row) => row.slice(1) as number[]);
        for (let k = 0; k < body[0]!.length; k++) expect(sum(body, k), `${q} ${name} column ${k}`).toBe(total[k + 1]);
        expect(total[1], `${q} ${name}`).toBe(r.overview.afterMerging);
      }
      const overview = new Map(rows('Tổng quan').map((x) => [x[0], x[1]]));
      expect([overview.get('Ý kiến, kiến nghị tiếp nhận'), overview.get('Sau khi gộp trùng'), overview.get('Kỳ trước chuyển sang')], q).toEqual([r.overview.received, r.overview.afterMerging, r.carryOver.count]);
      // "Mã" is the list's 11th column and the carried sheet's 2nd: each opinion once, the same as the JSON.
      const listed = rows('Danh sách').map((x) => x[10]);
      expect(new Set(listed).size, q).toBe(listed.length);
      expect(listed, q).toEqual(r.opinions.map((x) => x.id));
      expect(rows('Kỳ trước chuyển sang').map((x) => [x[1], x[7]]), q).toEqual(
        r.carryOver.opinions.map((x) => [x.id, x.state === 'dealt_with' ? 'Đã giải quyết xong trong kỳ' : 'Chưa giải quyết xong']),
      );
    }
  });

  it('refuses bad periods and unknown units with stable codes', async () => {
    const u = f.units.a;
    const cases: [string, number, string][] = [
      [`from=2026-02-30&to=2026-03-31&unitId=${u}`, 400, 'INVALID_PERIOD'],
      [`from=2026-13-01&to=2026-12-31&unitId=${u}`, 400, 'INVALID_PERIOD'],
      [`from=hôm-nay&to=2026-12-31&unitId=${u}`, 400, 'INVALID_PERIOD'],
      [`from=2026-10-01&to=2026-09-30&unitId=${u}`, 400, 'INVALID_PERIOD'],
      [`from=2026-09-01&to=2026-09-30&unitId=9999`, 404, 'UNIT_NOT_FOUND'],
      [`from=2026-09-01&to=2026-09-30`, 400, 'INVALID_PAYLOAD'],
      [`from=2026-09-01&to=2026-09-30&unitId=abc`, 400, 'INVALID_PAYLOAD'],
    ];
    for (const ext of ['json', 'docx', 'xlsx']) {
      for (const [query, status, code] of cases) {
        const res = await get(`/api/reports/opinions.${ext}?${query}`);
        expect([ext, query, res.statusCode, errorCode(res)]).toEqual([ext, query, status, code]);
      }
    }
  });

  it('is the secretariat’s: moderators and leaders are refused, the download is on record', async () => {
    const q = `from=2026-09-01&to=2026-09-30&unitId=${f.units.a}`;
    expect((await get(`/api/reports/opinions.json?${q}`, f.tokens.mod)).statusCode).toBe(403);
    expect((await get(`/api/reports/opinions.json?${q}`, f.tokens.leader)).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/reports/opinions.json?${q}` })).statusCode).toBe(401);
    // A secretary works the unit's register, entered opinions included: not tied to a session's assignment.
    expect((await get(`/api/reports/opinions.json?${q}`, f.tokens.otherSec)).statusCode).toBe(200);
    expect((await get(`/api/reports/opinions.json?${q}`, t.adminToken)).statusCode).toBe(200);
    const audit = (await get(`/api/audit?entity=unit&entityId=${f.units.a}`, t.adminToken)).json().entries as { action: string; after: { kind: string } }[];
    expect(audit.some((e) => e.action === 'export.download' && e.after.kind === 'opinions.json')).toBe(true);
  });
});

describe('period presets (shared)', () => {
  it('gives month, quarter, 6 months, 9 months and year, and names them', () => {
    expect(presetPeriod('month', 2027, 2)).toEqual({ from: '2027-02-01', to: '2027-02-28' });
    expect(presetPeriod('month', 2028, 2)).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(presetPeriod('quarter', 2027, 4)).toEqual({ from: '2027-10-01', to: '2027-12-31' });
    expect(presetPeriod('half', 2027, 1)).toEqual({ from: '2027-01-01', to: '2027-06-30' });
    expect(presetPeriod('nineMonths', 2027)).toEqual({ from: '2027-01-01', to: '2027-09-30' });
    expect(presetPeriod('year', 2027)).toEqual({ from: '2027-01-01', to: '2027-12-31' });
    expect(presetPeriod('range', 2027)).toBeNull();
    expect(periodWordsVi({ from: '2027-01-01', to: '2027-06-30' })).toBe('6 tháng đầu năm 2027');
    expect(periodWordsVi({ from: '2027-07-01', to: '2027-12-31' })).toBe('6 tháng cuối năm 2027');
    expect(periodWordsVi({ from: '2027-01-01', to: '2027-09-30' })).toBe('9 tháng năm 2027');
    expect(periodWordsVi({ from: '2027-01-01', to: '2027-12-31' })).toBe('năm 2027');
    expect(periodWordsVi({ from: '2027-03-01', to: '2027-03-31' })).toBe('tháng 3 năm 2027');
    expect(presetOf({ from: '2027-04-01', to: '2027-06-30' })).toEqual({ preset: 'quarter', year: 2027, index: 2 });
  });
});
