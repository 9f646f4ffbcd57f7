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
import type { Block, OfficialDocument, Run, Signature } from './blocks';
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

const TEXT_WIDTH = PAGE.width - PAGE.margin.left - PAGE.margin.right;
// The header columns: agency (left) and national title (right), wide enough
// for "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" on one line at 12 pt bold.
const LEFT_COL = 3500;
const RIGHT_COL = TEXT_WIDTH - LEFT_COL;

const RULE: IBorderOptions = { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 };

const runs = (rs: Run[], size = BODY): TextRun[] =>
  rs.map((x) => new TextRun({ text: x.text, bold: x.bold, italics: x.italic, font: FONT, size }));

const centered = (children: TextRun[], opts: { before?: number; after?: number } = {}) =>
  new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: opts.before ?? 0, after: opts.after ?? 0 }, children });

/** A short centred rule: an empty paragraph whose bottom border spans between its indents. */
const shortRule = (cellWidth: number, ruleWidth: number) =>
  new Paragraph({
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
  const spacing = { before: 0, after: 80, line: 300, lineRule: LineRuleType.AUTO };
  switch (block.style) {
    case 'section':
      return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 567 }, spacing: { ...spacing, before: 120 }, children: runs(block.runs) });
    case 'bullet':
      return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { left: 567 }, spacing, children: runs(block.runs) });
    default:
      return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 567 }, spacing, children: runs(block.runs) });
  }
}

function signatureParagraphs(sig: Signature | null): Paragraph[] {
  if (!sig) return [new Paragraph({ children: [] })];
  return [
    centered([new TextRun({ text: sig.role, bold: true, font: FONT, size: BODY })]),
    centered([new TextRun({ text: sig.note, italics: true, font: FONT, size: BODY })]),
    // Room for the signature (and the seal).
    ...[0, 1, 2, 3].map(() => centered([new TextRun({ text: '', font: FONT, size: BODY })])),
    centered([new TextRun({ text: sig.name ?? '', bold: true, font: FONT, size: BODY })]),
  ];
}

function recipientsParagraphs(recipients: string[]): Paragraph[] {
  return [
    new Paragraph({ children: [new TextRun({ text: 'Nơi nhận:', bold: true, italics: true, font: FONT, size: PT(12) })] }),
    ...recipients.map((line) => new Paragraph({ children: [new TextRun({ text: `- ${line}`, font: FONT, size: PT(11) })] })),
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
  const out: (Paragraph | Table)[] = [new Paragraph({ spacing: { before: 120 }, children: [] }), table];
  if (doc.signatures.left) out.push(new Paragraph({ spacing: { before: 240 }, children: [] }), ...recipientsParagraphs(doc.recipients));
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
          centered([new TextRun({ text: doc.kind, bold: true, font: FONT, size: PT(14) })], { before: 360 }),
          centered([new TextRun({ text: doc.subject, bold: true, font: FONT, size: PT(14) })], { after: 0 }),
          shortRule(TEXT_WIDTH, 1700),
          ...doc.blocks.map(blockParagraph),
          ...closing(doc),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
