import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  LineRuleType,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  type IBorderOptions,
} from 'docx';
import { layoutBlocks, type Block, type DocBlock, type OfficialDocument, type Run, type Signature, type TableBlock } from './blocks';
import { orgHeaderLines } from './format';

/**
 * Decree 30/2020/NĐ-CP, Appendix I: A4 portrait, margins top/bottom 20–25 mm,
 * left 30–35 mm, right 15–20 mm, Times New Roman 13–14 pt. Measures in twips
 * (1 mm = 56.7 twips; Word stores A4 as 11906 × 16838).
 */
export const PAGE = {
  width: 11906,
  height: 16838,
  margin: { top: 1134, bottom: 1134, left: 1701, right: 1134 },
} as const;
/** Font sizes in half-points, as Word stores them. */
const PT = (pt: number) => pt * 2;
export const FONT = 'Times New Roman';
const BODY = PT(14);

export const TEXT_WIDTH = PAGE.width - PAGE.margin.left - PAGE.margin.right;
// The header columns: agency (left) and national title (right), wide enough
// for "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" on one line at 12 pt bold.
const LEFT_COL = 3500;
const RIGHT_COL = TEXT_WIDTH - LEFT_COL;

const RULE: IBorderOptions = { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 };

/** Runs with every newline turned into a real line break (<w:br/>): a literal newline inside <w:t> is lost. */
const runs = (rs: Run[], size = BODY): TextRun[] =>
  rs.flatMap((x) =>
    x.text
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((piece, k) => new TextRun({ text: piece, bold: x.bold, italics: x.italic, font: FONT, size, ...(k > 0 && { break: 1 }) })),
  );

/** Paragraph spacing: Decree 30, Appendix I asks at least 6 pt between paragraphs. */
export const SPACING_AFTER = 120;

const centered = (children: TextRun[], opts: { before?: number; after?: number; keepNext?: boolean } = {}) =>
  new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: opts.before ?? 0, after: opts.after ?? 0 },
    keepNext: opts.keepNext,
    keepLines: opts.keepNext,
    children,
  });

/** A short centred rule: an empty paragraph whose bottom border spans between its indents. */
const shortRule = (cellWidth: number, ruleWidth: number, keepNext = false) =>
  new Paragraph({
    keepNext,
    border: { bottom: RULE },
    indent: { left: Math.round((cellWidth - ruleWidth) / 2), right: Math.round((cellWidth - ruleWidth) / 2) },
    spacing: { before: 0, after: 120, line: 120, lineRule: LineRuleType.EXACT },
    children: [new TextRun({ text: '', size: 2 })],
  });

const cell = (width: number, children: Paragraph[]) =>
  new TableCell({ width: { size: width, type: WidthType.DXA }, verticalAlign: VerticalAlign.TOP, children });

/** The header block: agency on the left, national title and motto on the right, place and date under them. */
function nationalHeader(doc: OfficialDocument): Table {
  const left = [
    // The body above (cơ quan chủ quản) in capitals, not bold; the issuing body under it, bold.
    ...(doc.parentName ? orgHeaderLines(doc.parentName) : []).map((line) => centered([new TextRun({ text: line, font: FONT, size: PT(13) })])),
    ...orgHeaderLines(doc.orgName).map((line) => centered([new TextRun({ text: line, bold: true, font: FONT, size: PT(13) })])),
    shortRule(LEFT_COL, 1300),
    centered([new TextRun({ text: doc.numberLine, font: FONT, size: PT(13) })], { before: 60 }),
  ];
  const right = [
    centered([new TextRun({ text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, font: FONT, size: PT(12) })]),
    centered([new TextRun({ text: 'Độc lập - Tự do - Hạnh phúc', bold: true, font: FONT, size: PT(13) })]),
    // The rule under the motto is about as long as the motto.
    shortRule(RIGHT_COL, 3400),
    centered([new TextRun({ text: doc.placeDate, italics: true, font: FONT, size: PT(14) })], { before: 60 }),
  ];
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [LEFT_COL, RIGHT_COL],
    borders: TableBorders.NONE,
    rows: [new TableRow({ children: [cell(LEFT_COL, left), cell(RIGHT_COL, right)] })],
  });
}

function blockParagraph(block: Block): Paragraph {
  const spacing = { before: 0, after: SPACING_AFTER, line: 300, lineRule: LineRuleType.AUTO };
  const keep = block.keepNext ? { keepNext: true, keepLines: true } : {};
  switch (block.style) {
    case 'section':
      return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 567 }, spacing: { ...spacing, before: 120 }, ...keep, children: runs(block.runs) });
    case 'bullet':
      return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { left: 567 }, spacing, ...keep, children: runs(block.runs) });
    default:
      return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 567 }, spacing, ...keep, children: runs(block.runs) });
  }
}

const BORDER: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const GRID = { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER, insideHorizontal: BORDER, insideVertical: BORDER };
const TABLE_FONT = PT(12);

/** A table of figures or a list: bordered, header row bold and repeated on each page, totals bold. */
function figuresTable(t: TableBlock): Table {
  const sum = t.widths.reduce((n, w) => n + w, 0);
  const widths = t.widths.map((w) => Math.round((w / sum) * TEXT_WIDTH));
  const para = (text: string, opts: { bold?: boolean; left?: boolean }) =>
    new Paragraph({
      alignment: opts.left ? AlignmentType.LEFT : AlignmentType.CENTER,
      spacing: { before: 20, after: 20 },
      children: runs([{ text, bold: opts.bold }], TABLE_FONT),
    });
  const row = (cells: string[], opts: { header?: boolean; bold?: boolean }) =>
    new TableRow({
      tableHeader: opts.header,
      cantSplit: true,
      children: cells.map(
        (c, k) =>
          new TableCell({
            width: { size: widths[k] ?? 0, type: WidthType.DXA },
            verticalAlign: VerticalAlign.TOP,
            children: [para(c, { bold: opts.header || opts.bold, left: !opts.header && t.textColumns?.includes(k) })],
          }),
      ),
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    borders: GRID,
    rows: [row(t.header, { header: true }), ...t.rows.map((r, n) => row(r, { bold: t.bold?.includes(n) }))],
  });
}

/** A table is followed by a little space, as a paragraph would be. */
const docBlock = (b: DocBlock): (Paragraph | Table)[] =>
  b.style === 'table' ? [figuresTable(b), new Paragraph({ spacing: { before: 0, after: SPACING_AFTER }, children: [] })] : [blockParagraph(b)];

/**
 * The rule under the trích yếu: a third to a half of the line of text above
 * it (Decree 30, Appendix I). The line is estimated from the subject's
 * length (bold 14 pt Times averages about 150 twips a character); a subject
 * that wraps fills the text width.
 */
export function subjectRuleWidth(subject: string): number {
  const line = Math.min(TEXT_WIDTH, [...subject].length * 150);
  return Math.round(line * 0.42);
}

/** A signature block, every line kept with the next so the block never splits or stands alone. */
function signatureParagraphs(sig: Signature | null): Paragraph[] {
  if (!sig) return [new Paragraph({ children: [] })];
  const keep = { keepNext: true };
  return [
    ...sig.lines.map((line) => centered([new TextRun({ text: line, bold: true, font: FONT, size: BODY })], keep)),
    ...(sig.note ? [centered([new TextRun({ text: sig.note, italics: true, font: FONT, size: BODY })], keep)] : []),
    // Room for the signature (and the seal).
    ...[0, 1, 2, 3].map(() => centered([new TextRun({ text: '', font: FONT, size: BODY })], keep)),
    centered([new TextRun({ text: sig.name ?? '', bold: true, font: FONT, size: BODY })]),
  ];
}

/** "Nơi nhận:" and its lines, kept together: the heading never stands alone at the foot of a page. */
function recipientsParagraphs(recipients: string[]): Paragraph[] {
  return [
    new Paragraph({ keepNext: true, children: [new TextRun({ text: 'Nơi nhận:', bold: true, italics: true, font: FONT, size: PT(12) })] }),
    ...recipients.map(
      (line, k) => new Paragraph({ keepNext: k < recipients.length - 1, children: [new TextRun({ text: `- ${line}`, font: FONT, size: PT(11) })] }),
    ),
  ];
}

/**
 * The signature row. With a left signatory (minutes: THƯ KÝ | CHỦ TỌA) the
 * recipients follow under the table; without one (notice) they sit in the
 * left column beside the signature, as Decree 30 lays it out.
 */
function closing(doc: OfficialDocument): (Paragraph | Table)[] {
  const half = Math.round(TEXT_WIDTH / 2);
  const left = doc.signatures.left ? signatureParagraphs(doc.signatures.left) : recipientsParagraphs(doc.recipients);
  const table = new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [half, TEXT_WIDTH - half],
    borders: TableBorders.NONE,
    rows: [new TableRow({ cantSplit: true, children: [cell(half, left), cell(TEXT_WIDTH - half, signatureParagraphs(doc.signatures.right))] })],
  });
  const out: (Paragraph | Table)[] = [new Paragraph({ spacing: { before: 120 }, keepNext: true, children: [] }), table];
  if (doc.signatures.left) out.push(new Paragraph({ spacing: { before: 240 }, keepNext: true, children: [] }), ...recipientsParagraphs(doc.recipients));
  return out;
}

export async function renderOfficialDocx(doc: OfficialDocument, meta: { title: string; creator: string }): Promise<Buffer> {
  const document = new Document({
    creator: meta.creator,
    title: meta.title,
    // Marked Vietnamese so Word's proofing does not flag every line as misspelt English.
    styles: { default: { document: { run: { font: FONT, size: BODY, language: { value: 'vi-VN' } } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height, orientation: PageOrientation.PORTRAIT },
            margin: { ...PAGE.margin, header: 567, footer: 567 },
          },
          // Page numbers from page 2 on: the first page gets its own, empty header.
          titlePage: true,
        },
        headers: {
          default: new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: PT(13) })] })] }),
          first: new Header({ children: [new Paragraph({ children: [] })] }),
        },
        children: [
          nationalHeader(doc),
          centered([new TextRun({ text: doc.kind, bold: true, font: FONT, size: PT(14) })], { before: 360, keepNext: true }),
          centered([new TextRun({ text: doc.subject, bold: true, font: FONT, size: PT(14) })], { after: 0, keepNext: true }),
          shortRule(TEXT_WIDTH, subjectRuleWidth(doc.subject), true),
          ...layoutBlocks(doc.blocks).flatMap(docBlock),
          ...closing(doc),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
