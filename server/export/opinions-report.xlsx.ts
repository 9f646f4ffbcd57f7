import ExcelJS from 'exceljs';
import type { OpinionsReport } from '../../shared/schemas/opinions-report';
import { upper, vnDay } from './format';
import {
  AGENCY_TABLE_HEAD,
  agencyCells,
  AUDIENCE_LABEL,
  fieldLabel,
  levelLabel,
  LIST_HEAD,
  listCells,
  OPINION_CHANNEL_LABEL,
  OUTCOME_TABLE_HEAD,
  outcomeCells,
  outcomeLabel,
  agencyLabel,
  reportSubject,
  TOTAL,
} from './opinions-report-content';
import { XLSX_FONT } from './questions.xlsx';

/** Rows 1–3 name the report; row 4 is empty; each table's header is row 5. */
export const REPORT_HEADER_ROW = 5;

const thin: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
const font = (extra: Partial<ExcelJS.Font> = {}): Partial<ExcelJS.Font> => ({ name: XLSX_FONT, size: 11, ...extra });
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;

/** A text cell is a plain string (never a formula); a figure a number. */
const value = (v: string | number): string | number => (typeof v === 'number' ? v : v.replace(/\r\n?/g, '\n').replace(CONTROL, ' ').normalize('NFC'));

function sheet(wb: ExcelJS.Workbook, name: string, d: OpinionsReport, head: string[], rows: (string | number)[][], widths: number[], boldRows: number[] = []): void {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: REPORT_HEADER_ROW }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${REPORT_HEADER_ROW}:${REPORT_HEADER_ROW}` },
  });
  ws.columns = widths.map((width) => ({ width, style: { font: font() } }));
  const titles: [string, Partial<ExcelJS.Font>][] = [
    [upper(d.unit.name), font({ bold: true })],
    [`BÁO CÁO ${upper(reportSubject(d))}`, font({ bold: true, size: 13 })],
    [`Từ ngày ${vnDay(d.period.from)} đến ngày ${vnDay(d.period.to)}; số liệu tính đến ngày ${vnDay(d.asOf)}.`, font({ italic: true })],
  ];
  titles.forEach(([text, f], k) => {
    ws.mergeCells(k + 1, 1, k + 1, head.length);
    const cell = ws.getRow(k + 1).getCell(1);
    cell.value = text.normalize('NFC');
    cell.font = f;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  const header = ws.getRow(REPORT_HEADER_ROW);
  head.forEach((h, k) => {
    const cell = header.getCell(k + 1);
    cell.value = h;
    cell.font = font({ bold: true });
    cell.border = thin;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8E8E8' } };
  });
  rows.forEach((r, n) => {
    const row = ws.getRow(REPORT_HEADER_ROW + 1 + n);
    r.forEach((v, k) => {
      const cell = row.getCell(k + 1);
      cell.value = value(v);
      cell.font = font({ bold: boldRows.includes(n) });
      cell.border = thin;
      cell.alignment = { vertical: 'top', wrapText: true, ...(typeof v === 'number' && { horizontal: 'center' }) };
    });
  });
  ws.autoFilter = { from: { row: REPORT_HEADER_ROW, column: 1 }, to: { row: REPORT_HEADER_ROW, column: head.length } };
}

/**
 * The period report as a workbook for the analyst: one sheet per table
 * (overview, by field, by level, by agency, carried over) and the list of
 * every opinion; figures are number cells, the same numbers as the JSON and
 * the Word report.
 */
export async function opinionsReportXlsx(d: OpinionsReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = d.unit.name;
  wb.created = new Date(d.generatedAt);
  const o = d.overview;
  sheet(
    wb,
    'Tổng quan',
    d,
    ['Chỉ tiêu', 'Số lượng'],
    [
      ['Hội nghị đối thoại đã tổ chức', o.dialogues.length],
      ['Lượt người tham dự đối thoại', o.participants],
      ['Ý kiến, kiến nghị tiếp nhận', o.received],
      ['  tại hội nghị đối thoại', o.fromDialogues],
      ['  qua các kênh khác', o.fromOtherChannels],
      ...o.byChannel.map((c): [string, number] => [`  nguồn: ${OPINION_CHANNEL_LABEL[c.channel] ?? c.channel}`, c.count]),
      ['Trùng nội dung, đã gộp', o.repeats],
      ['Sau khi gộp trùng', o.afterMerging],
      ['Trả lời trực tiếp tại hội nghị', o.answeredOnSpot],
      ['Chuyển trả lời bằng văn bản', o.deferred],
      ['Đã có trả lời', o.answered],
      ['Kỳ trước chuyển sang', d.carryOver.count],
      ['  trong kỳ đã giải quyết xong', d.carryOver.dealtWith],
      ['  còn chưa giải quyết xong', d.carryOver.outstanding],
      ...o.dialogues.map((x): [string, number] => [
        `Đối thoại ngày ${vnDay(x.date)}: ${x.title} (chủ trì: ${x.chair ?? '…'}; đối tượng: ${x.audienceGroup ? AUDIENCE_LABEL[x.audienceGroup] : x.audience}; người tham dự)`,
        x.participants,
      ]),
    ],
    [70, 14],
  );
  sheet(
    wb,
    'Theo lĩnh vực',
    d,
    OUTCOME_TABLE_HEAD('Lĩnh vực'),
    [...d.byField.rows.map((x) => outcomeCells(fieldLabel(x.label), x.counts)), outcomeCells(TOTAL, d.byField.totals)],
    [36, 10, 12, 12, 12, 14, 12, 12],
    [d.byField.rows.length],
  );
  sheet(
    wb,
    'Theo cấp',
    d,
    OUTCOME_TABLE_HEAD('Cấp'),
    [...d.byLevel.rows.map((x) => outcomeCells(levelLabel(x.key as string | null), x.counts)), outcomeCells(TOTAL, d.byLevel.totals)],
    [30, 10, 12, 12, 12, 14, 12, 12],
    [d.byLevel.rows.length],
  );
  sheet(
    wb,
    'Theo cơ quan',
    d,
    AGENCY_TABLE_HEAD,
    [...d.byAgency.rows.map((a) => agencyCells(a)), agencyCells(d.byAgency.totals, TOTAL)],
    [40, 12, 12, 12, 16, 14],
    [d.byAgency.rows.length],
  );
  sheet(
    wb,
    'Kỳ trước chuyển sang',
    d,
    ['STT', 'Mã', 'Ngày nhận', 'Nội dung', 'Cơ quan chủ trì', 'Thời hạn', 'Kết quả', 'Tình trạng cuối kỳ', 'Ngày giải quyết'],
    d.carryOver.opinions.map((x, k) => [
      k + 1,
      x.id,
      x.receivedAt.slice(0, 10),
      x.text,
      agencyLabel(x.leadAgency),
      x.deadline ?? '',
      outcomeLabel(x.outcome),
      x.state === 'dealt_with' ? 'Đã giải quyết xong trong kỳ' : 'Chưa giải quyết xong',
      x.doneDate ?? '',
    ]),
    [6, 8, 12, 50, 28, 12, 24, 24, 14],
  );
  const no = new Map(d.opinions.map((x, k) => [x.id, k + 1]));
  sheet(
    wb,
    'Danh sách',
    d,
    [...LIST_HEAD, 'Mã', 'Đã trả lời', 'Ngày giải quyết'],
    d.opinions.map((x, k) => [...listCells(x, k, no).map((c, n) => (n === 0 ? Number(c) : c)), x.id, x.answered ? 'Có' : 'Chưa', x.doneDate ?? '']),
    [6, 12, 28, 24, 50, 22, 14, 28, 12, 36, 8, 10, 14],
  );
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
