import { layoutBlocks, type Block, type DocBlock, type OfficialDocument, type Run, type Signature, type TableBlock } from './blocks';
import { orgHeaderLines } from './format';

/** Every piece of user text goes through here: names, questions and answers are never markup. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const run = (x: Run): string => {
  // Escaped first, then each newline becomes a line break.
  let html = escapeHtml(x.text).replace(/\r\n?|\n/g, '<br>');
  if (x.italic) html = `<em>${html}</em>`;
  if (x.bold) html = `<strong>${html}</strong>`;
  return html;
};

const paragraph = (b: Block): string => `<p class="${b.style}${b.keepNext ? ' keep' : ''}">${b.runs.map(run).join('')}</p>`;

const tableHtml = (t: TableBlock): string => {
  const cell = (tag: 'th' | 'td', text: string, k: number) =>
    `<${tag}${tag === 'td' && t.textColumns?.includes(k) ? ' class="text"' : ''}>${escapeHtml(text).replace(/\r\n?|\n/g, '<br>')}</${tag}>`;
  const rows = t.rows.map((r, n) => `<tr${t.bold?.includes(n) ? ' class="total"' : ''}>${r.map((c, k) => cell('td', c, k)).join('')}</tr>`);
  return `<table class="figures"><thead><tr>${t.header.map((h, k) => cell('th', h, k)).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

const block = (b: DocBlock): string => (b.style === 'table' ? tableHtml(b) : paragraph(b));

const signature = (s: Signature | null): string =>
  s
    ? `<div class="sig">${s.lines.map((l) => `<div class="role">${escapeHtml(l)}</div>`).join('')}${s.note ? `<div class="note">${escapeHtml(s.note)}</div>` : ''}<div class="space"></div><div class="name">${escapeHtml(s.name ?? '')}</div></div>`
    : '';

const recipients = (lines: string[]): string =>
  `<div class="recipients"><div class="title">Nơi nhận:</div>${lines.map((l) => `<div>- ${escapeHtml(l)}</div>`).join('')}</div>`;

/**
 * The same official document for the browser's print dialog: A4 with the
 * Decree 30 margins and fonts. No scripts; the only style is inline so the
 * page prints the same offline.
 */
export function renderOfficialHtml(doc: OfficialDocument, title: string): string {
  const closing = doc.signatures.left
    ? `<div class="signatures">${signature(doc.signatures.left)}${signature(doc.signatures.right)}</div>${recipients(doc.recipients)}`
    : `<div class="signatures">${recipients(doc.recipients)}${signature(doc.signatures.right)}</div>`;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  @page { size: A4 portrait; margin: 20mm 20mm 20mm 30mm;
          @top-center { content: counter(page); font-family: "Times New Roman", Times, serif; font-size: 13pt; } }
  /* Page numbers from page 2 on, as in the Word file. */
  @page :first { @top-center { content: none; } }
  html { background: #eee; }
  body { font-family: "Times New Roman", Times, serif; font-size: 14pt; line-height: 1.35; color: #000;
         background: #fff; width: 160mm; min-height: 257mm; margin: 10mm auto; padding: 20mm 20mm 20mm 30mm; }
  @media print { html { background: none; } body { margin: 0; padding: 0; width: auto; min-height: 0; } }
  .header { display: flex; justify-content: space-between; text-align: center; }
  .header .org { width: 37%; font-weight: bold; font-size: 13pt; }
  .header .nation { width: 63%; }
  .header .rule { border-bottom: 1px solid #000; margin: 2pt auto 6pt; }
  .header .org .rule { width: 35%; }
  .header .org .parent { font-weight: normal; }
  .header .number { font-weight: normal; white-space: pre; }
  .nation .republic { font-weight: bold; font-size: 12pt; }
  .nation .motto { font-weight: bold; font-size: 13pt; display: inline-block; border-bottom: 1px solid #000; padding-bottom: 1pt; }
  .nation .placedate { font-style: italic; margin-top: 8pt; }
  h1 { font-size: 14pt; text-align: center; margin: 18pt 0 0; }
  h1, h2 { break-after: avoid; }
  /* The subject shrinks to its line; the rule under it is 42% of that line (1/3 to 1/2, Decree 30). */
  .subject-box { display: table; margin: 0 auto; }
  h2 { font-size: 14pt; text-align: center; margin: 0; }
  hr.subject { width: 42%; border: 0; border-top: 1px solid #000; margin: 4pt auto 12pt; }
  p { margin: 0 0 6pt; text-align: justify; orphans: 2; widows: 2; }
  p.body, p.section { text-indent: 10mm; }
  p.section { margin-top: 6pt; }
  p.bullet { padding-left: 10mm; }
  /* Headings and the lines leading into the signatures stay with what follows. */
  p.keep { break-after: avoid; page-break-after: avoid; }
  .signatures { display: flex; justify-content: space-between; margin-top: 12pt; break-inside: avoid; page-break-inside: avoid; }
  .sig { width: 48%; text-align: center; }
  .sig .role, .sig .name { font-weight: bold; }
  .sig .note { font-style: italic; }
  .sig .space { height: 28mm; }
  .recipients { font-size: 11pt; margin-top: 12pt; width: 48%; break-inside: avoid; page-break-inside: avoid; }
  .recipients .title { font-size: 12pt; font-weight: bold; font-style: italic; }
  .signatures .recipients { margin-top: 0; }
  table.figures { width: 100%; border-collapse: collapse; font-size: 12pt; margin: 0 0 8pt; }
  table.figures th, table.figures td { border: 1px solid #000; padding: 2pt 4pt; text-align: center; vertical-align: top; }
  table.figures td.text { text-align: left; }
  table.figures tr.total td { font-weight: bold; }
</style>
</head>
<body>
<div class="header">
  <div class="org">${(doc.parentName ? orgHeaderLines(doc.parentName) : []).map((l) => `<div class="parent">${escapeHtml(l)}</div>`).join('')}${orgHeaderLines(doc.orgName).map((l) => `<div>${escapeHtml(l)}</div>`).join('')}<div class="rule"></div><div class="number">${escapeHtml(doc.numberLine)}</div></div>
  <div class="nation"><div class="republic">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><div class="motto">Độc lập - Tự do - Hạnh phúc</div><div class="placedate">${escapeHtml(doc.placeDate)}</div></div>
</div>
<h1>${escapeHtml(doc.kind)}</h1>
<div class="subject-box"><h2>${escapeHtml(doc.subject)}</h2><hr class="subject"></div>
${layoutBlocks(doc.blocks).map(block).join('\n')}
${closing}
</body>
</html>
`;
}
