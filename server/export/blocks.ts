/**
 * A small document model shared by the DOCX and HTML renderers, so the
 * printable minutes and the Word minutes say exactly the same thing.
 */
export interface Run {
  /** A newline inside is a line break in the same paragraph (Word's <w:br/>, HTML's <br>). */
  text: string;
  bold?: boolean;
  italic?: boolean;
}

export type BlockStyle =
  /** Justified paragraph with a first-line indent. */
  | 'body'
  /** A bold line opening a part of the document. */
  | 'section'
  /** An indented line of a list ("- ", "+ "). */
  | 'bullet';

export interface Block {
  style: BlockStyle;
  runs: Run[];
  /** Keep on the same page as what follows (headings, the lines leading into the signatures). */
  keepNext?: boolean;
}

export const r = (text: string, opts: Omit<Run, 'text'> = {}): Run => ({ text, ...opts });
export const b = (text: string): Run => ({ text, bold: true });
export const i = (text: string): Run => ({ text, italic: true });

export const body = (...runs: Run[]): Block => ({ style: 'body', runs });
/** A heading: never left alone at the foot of a page. */
export const section = (text: string): Block => ({ style: 'section', runs: [b(text)], keepNext: true });
export const keepWithNext = (block: Block): Block => ({ ...block, keepNext: true });

/**
 * Free text a person typed (an assessment, closing remarks) as paragraphs:
 * one per non-empty line, so that numbered points stay apart.
 */
export const textParagraphs = (text: string, opts: Omit<Run, 'text'> = {}): Block[] =>
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => body(r(l, opts)));
export const bullet = (...runs: Run[]): Block => ({ style: 'bullet', runs });

/**
 * A block whose text holds newlines, as one paragraph per line: the first
 * keeps the label runs before the break, the next ones carry on in the same
 * style (bold, italic) and indent. A justified line ending in a manual break
 * is stretched across the page in Word and LibreOffice; separate paragraphs
 * are not. A block kept with the next keeps all its lines.
 */
export function splitLines(block: Block): Block[] {
  if (!block.runs.some((x) => /[\r\n]/.test(x.text))) return [block];
  const out: Run[][] = [[]];
  for (const x of block.runs) {
    x.text
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .forEach((piece, k) => {
        if (k > 0) out.push([]);
        if (piece) out[out.length - 1]!.push({ ...x, text: piece });
      });
  }
  const lines = out.filter((runs) => runs.length > 0);
  return lines.map((runs) => ({ style: block.style, runs, ...(block.keepNext && { keepNext: true }) }));
}

/**
 * A table with a header row (a report's figures, an annex list): plain
 * text cells, the rows listed in `bold` printed bold (totals).
 */
export interface TableBlock {
  style: 'table';
  header: string[];
  rows: string[][];
  /** Relative column widths; they share the text width. */
  widths: number[];
  /** Indexes of the rows printed bold. */
  bold?: number[];
  /** Columns aligned to the left (the rest, figures, are centred). */
  textColumns?: number[];
}

export type DocBlock = Block | TableBlock;

export const table = (t: Omit<TableBlock, 'style'>): TableBlock => ({ style: 'table', ...t });

/** Paragraph blocks split at their newlines; tables as they are. */
export const layoutBlocks = (blocks: readonly DocBlock[]): DocBlock[] => blocks.flatMap((x): DocBlock[] => (x.style === 'table' ? [x] : splitLines(x)));

/** What an official document is made of besides its national header. */
export interface OfficialDocument {
  orgName: string;
  /** The body above the issuing one (cơ quan chủ quản), printed above its name, not bold. */
  parentName?: string | null;
  /** "Số:      /BB-UBND" line under the agency name. */
  numberLine: string;
  placeDate: string;
  /** "BIÊN BẢN", "THÔNG BÁO". */
  kind: string;
  subject: string;
  blocks: DocBlock[];
  signatures: { left: Signature | null; right: Signature };
  recipients: string[];
}

export interface Signature {
  /** Bold capitals: "THƯ KÝ"; "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG". */
  lines: string[];
  /** Italic hint under them: "(Ký, ghi rõ họ tên)"; none on a notice. */
  note: string | null;
  /** The signer's name only: no honorific, no title. */
  name: string | null;
}
