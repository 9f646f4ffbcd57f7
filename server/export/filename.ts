/**
 * Content-Disposition with a Vietnamese file name: an ASCII fallback for old
 * clients (diacritics stripped, "đ" → "d") and the exact name per RFC 6266 /
 * RFC 5987 in `filename*`.
 */
export function asciiFallback(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-|-(?=\.)|-$/g, '') || 'export'
  );
}

const encodeRfc5987 = (s: string): string =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function contentDisposition(name: string, kind: 'attachment' | 'inline' = 'attachment'): string {
  const nfc = name.normalize('NFC');
  return `${kind}; filename="${asciiFallback(nfc)}"; filename*=UTF-8''${encodeRfc5987(nfc)}`;
}

/** "Biên bản - Đối thoại với thanh niên.docx", shortened so file systems accept it. */
export function exportFileName(prefix: string, title: string, ext: string): string {
  const clean = title.normalize('NFC').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const short = [...clean].slice(0, 80).join('').trim();
  return `${prefix} - ${short || 'phiên'}.${ext}`;
}
