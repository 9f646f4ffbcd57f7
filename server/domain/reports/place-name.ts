/**
 * The place name for the date line of an official document ("Tuyên Quang,
 * ngày …"), taken from the issuing agency's name: Decree 30/2020 wants the
 * administrative unit where the agency sits, not the agency itself.
 */
const PREFIXES = [
  'ỦY BAN NHÂN DÂN',
  'UỶ BAN NHÂN DÂN',
  'HỘI ĐỒNG NHÂN DÂN',
  'UBND',
  'HĐND',
  'THÀNH PHỐ',
  'THỊ XÃ',
  'THỊ TRẤN',
  'TỈNH',
  'HUYỆN',
  'QUẬN',
  'PHƯỜNG',
  'XÃ',
  'TP.',
];

const titleCase = (s: string): string =>
  s
    .toLocaleLowerCase('vi')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toLocaleUpperCase('vi') + w.slice(1))
    .join(' ');

export function placeNameFrom(orgName: string): string {
  let rest = orgName.normalize('NFC').trim().toLocaleUpperCase('vi');
  let stripped = true;
  while (stripped) {
    stripped = false;
    for (const p of PREFIXES) {
      if (rest.startsWith(p + ' ')) {
        rest = rest.slice(p.length).trim();
        stripped = true;
      }
    }
  }
  return titleCase(rest || orgName);
}
