import type {
  CommitmentStatus,
  FollowUpStatus,
  ParticipantGroup,
  QuestionChannel,
  QuestionStatus,
  RejectReason,
} from '../../shared/schemas/enums';
import type { Asker } from './types';

/** Documents speak Vietnam time, whatever the server's clock zone. */
export const VN_TZ = 'Asia/Ho_Chi_Minh';

export interface VnParts {
  day: number;
  month: number;
  year: number;
  hour: number;
  minute: number;
}

export function vnParts(iso: string): VnParts {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: VN_TZ,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return { day: get('day'), month: get('month'), year: get('year'), hour: get('hour'), minute: get('minute') };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * "ngày 05 tháng 01 năm 2027": Decree 30/2020 writes a leading zero for days
 * below 10 and for the months 1 and 2 (so "tháng 01" is not misread as 10–12).
 */
export function vnDateWords(p: Pick<VnParts, 'day' | 'month' | 'year'>): string {
  const month = p.month <= 2 ? pad2(p.month) : String(p.month);
  return `ngày ${pad2(p.day)} tháng ${month} năm ${p.year}`;
}

/** "Tuyên Quang, ngày 15 tháng 12 năm 2026" */
export const placeDateLine = (placeName: string, iso: string): string => `${placeName}, ${vnDateWords(vnParts(iso))}`;

/** "8 giờ 30 phút, ngày 15 tháng 12 năm 2026" */
export function vnTimeDate(iso: string): string {
  const p = vnParts(iso);
  return `${p.hour} giờ ${pad2(p.minute)} phút, ${vnDateWords(p)}`;
}

/** "15/12/2026 08:30" for lists. */
export function vnDateTimeShort(iso: string | null): string {
  if (!iso) return '';
  const p = vnParts(iso);
  return `${pad2(p.day)}/${pad2(p.month)}/${p.year} ${pad2(p.hour)}:${pad2(p.minute)}`;
}

/** A calendar date "2027-01-15" as "15/01/2027" (deadlines have no time zone). */
export function vnDay(date: string | null): string {
  if (!date) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : date;
}

export const GROUP_LABEL: Record<ParticipantGroup, string> = {
  youth: 'Thanh niên',
  farmer: 'Nông dân',
  worker: 'Công nhân',
  business: 'Doanh nghiệp',
  other: 'Khác',
};

export const groupLabel = (g: ParticipantGroup | null): string => (g ? GROUP_LABEL[g] : 'Không rõ');

/** Where a question came from, as the lists print it. */
export const CHANNEL_LABEL: Record<QuestionChannel, string> = {
  app: 'Ứng dụng',
  floor: 'Phát biểu tại hội trường',
  paper: 'Phiếu câu hỏi',
  hotline: 'Đường dây nóng',
  sms: 'Tin nhắn SMS',
};

export const STATUS_LABEL: Record<QuestionStatus, string> = {
  pending: 'Chờ duyệt',
  approved: 'Đã duyệt',
  rejected: 'Không tiếp nhận',
  on_stage: 'Đang trả lời',
  answered: 'Đã trả lời trực tiếp',
  deferred: 'Chuyển trả lời bằng văn bản',
  merged: 'Đã gộp',
  withdrawn: 'Người hỏi đã rút',
};

export const REJECT_LABEL: Record<RejectReason, string> = {
  duplicate: 'Trùng lặp',
  off_topic: 'Không đúng chủ đề',
  abusive: 'Ngôn từ không phù hợp',
  personal_data: 'Chứa thông tin cá nhân',
  other: 'Lý do khác',
};

export const FOLLOW_UP_LABEL: Record<FollowUpStatus, string> = {
  assigned: 'Đã giao',
  in_progress: 'Đang xử lý',
  answered: 'Đã trả lời',
};

export const COMMITMENT_LABEL: Record<CommitmentStatus, string> = {
  open: 'Chưa thực hiện',
  in_progress: 'Đang thực hiện',
  done: 'Đã hoàn thành',
};

/** "Nguyễn Thị Lan (Phường Minh Xuân)", or "Ẩn danh". */
export function askerLabel(a: Asker): string {
  if (a.anonymous) return 'Ẩn danh';
  const name = a.name?.trim() || 'Không nêu tên';
  return a.locality?.trim() ? `${name} (${a.locality.trim()})` : name;
}

/** Vietnamese, capitals kept: "TỈNH" stays "TỈNH" (toUpperCase is locale-free for Vietnamese). */
export const upper = (s: string): string => s.normalize('NFC').toLocaleUpperCase('vi');

/** "Sở Nông nghiệp, hạn 30/01/2027" */
export function commitmentLine(c: { text: string; agency: string; deadline: string | null }): string {
  const deadline = c.deadline ? `, thời hạn ${vnDay(c.deadline)}` : '';
  return `${c.text} (${c.agency}${deadline})`;
}

const LEVELS = ['TỈNH', 'THÀNH PHỐ', 'HUYỆN', 'QUẬN', 'THỊ XÃ', 'XÃ', 'PHƯỜNG', 'THỊ TRẤN'];
const COUNCILS: [RegExp, string][] = [
  [/^(UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+/u, 'ỦY BAN NHÂN DÂN'],
  [/^(HĐND|HỘI ĐỒNG NHÂN DÂN)\s+/u, 'HỘI ĐỒNG NHÂN DÂN'],
];

/**
 * The agency's name as the header's left column shows it. Decree 30 writes
 * the name in full ("ỦY BAN NHÂN DÂN" / "TỈNH TUYÊN QUANG", one per line),
 * which also keeps a long name from breaking mid-word in the narrow column.
 * A name configured with line breaks is taken as given.
 */
export function orgHeaderLines(orgName: string): string[] {
  const name = upper(orgName).trim();
  if (name.includes('\n')) return name.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const [re, full] of COUNCILS) {
    const m = re.exec(name);
    if (m) {
      const rest = name.slice(m[0].length).trim();
      if (LEVELS.some((l) => rest.startsWith(l + ' '))) return [full, rest];
    }
  }
  return [name];
}

/** The agency's name inside a sentence: "Ủy ban nhân dân tỉnh Tuyên Quang". */
export function orgInText(orgName: string): string {
  const [first, second] = orgHeaderLines(orgName);
  if (!second) return orgName.trim();
  const level = LEVELS.find((l) => second.startsWith(l + ' '))!;
  const place = second
    .slice(level.length)
    .trim()
    .toLocaleLowerCase('vi')
    .split(/\s+/)
    .map((w) => w.charAt(0).toLocaleUpperCase('vi') + w.slice(1))
    .join(' ');
  const council = first!.charAt(0) + first!.slice(1).toLocaleLowerCase('vi');
  return `${council} ${level.toLocaleLowerCase('vi')} ${place}`;
}

const HONORIFICS = /^(?:đồng chí|đ\/c|ông|bà|anh|chị)\s+/iu;

/** A seat in the body text: "Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh" (name, title, body). */
export function seatLine(s: { name: string; title: string | null; agency: string | null }): string {
  return [s.name, s.title, s.agency].map((x) => x?.trim()).filter(Boolean).join(', ');
}

/** Under a signature only the name goes: "Ông Nguyễn Văn Sơn" → "Nguyễn Văn Sơn"; no title, no comma. */
export function signatureName(s: { name: string } | null): string | null {
  if (!s) return null;
  const name = s.name.normalize('NFC').split(',')[0]!.trim().replace(HONORIFICS, '').trim();
  return name || null;
}

/** "Sở A; phối hợp: Công ty B, Sở C" */
export function agenciesLine(lead: string, supporting: readonly string[]): string {
  return supporting.length ? `${lead} (chủ trì), phối hợp: ${supporting.join(', ')}` : lead;
}
