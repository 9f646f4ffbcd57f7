/**
 * A small document model shared by the DOCX and HTML renderers, so the
 * printable minutes and the Word minutes say exactly the same thing.
 */
export interface Run {
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
}

export const r = (text: string, opts: Omit<Run, 'text'> = {}): Run => ({ text, ...opts });
export const b = (text: string): Run => ({ text, bold: true });
export const i = (text: string): Run => ({ text, italic: true });

export const body = (...runs: Run[]): Block => ({ style: 'body', runs });
export const section = (text: string): Block => ({ style: 'section', runs: [b(text)] });
export const bullet = (...runs: Run[]): Block => ({ style: 'bullet', runs });

/** What an official document is made of besides its national header. */
export interface OfficialDocument {
  orgName: string;
  /** "Số: …/BB-…" line under the agency name. */
  numberLine: string;
  placeDate: string;
  /** "BIÊN BẢN", "THÔNG BÁO". */
  kind: string;
  subject: string;
  blocks: Block[];
  signatures: { left: Signature | null; right: Signature };
  recipients: string[];
}

export interface Signature {
  role: string;
  note: string;
  name: string | null;
}
