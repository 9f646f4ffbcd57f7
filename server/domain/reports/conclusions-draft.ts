import type { Authority, ConclusionTask } from '../../../shared/schemas/secretariat';
import { questionNumber } from '../../export/numbering';
import type { MinutesData } from '../../export/types';
import { distinctAgencies } from '../agencies';

/** The signing authority a notice starts with: the office signs on the chair's behalf. */
export const DEFAULT_AUTHORITY: Authority = { mode: 'TL', of: 'CHỦ TỊCH', position: 'CHÁNH VĂN PHÒNG', name: '' };

/** "Chủ tịch UBND tỉnh", from the chair's seat; "Chủ tọa" when no title is known. */
export const chairTitle = (d: Pick<MinutesData, 'chair'>): string => d.chair?.title?.trim() || 'Chủ tọa';

/** "Hội nghị đối thoại với thanh niên …", from the session's title, without repeating "Hội nghị". */
export function sessionPhrase(title: string): string {
  const rest = title.normalize('NFC').trim().replace(/^hội nghị\s+/iu, '');
  return `Hội nghị ${rest.charAt(0).toLocaleLowerCase('vi')}${rest.slice(1)}`;
}

/** "Kết luận của Chủ tịch UBND tỉnh tại Hội nghị đối thoại với …" (no quotes, "hội nghị" once). */
export const defaultSubject = (d: Pick<MinutesData, 'chair' | 'session'>): string =>
  `Kết luận của ${chairTitle(d)} tại ${sessionPhrase(d.session.title)}`;

/** Tasks drafted from what the record holds: each commitment, and each deferral to its lead body. */
export function draftTasks(d: MinutesData): ConclusionTask[] {
  const tasks: ConclusionTask[] = [];
  for (const q of d.items) {
    for (const c of q.commitments) tasks.push({ agency: c.agency, text: c.text, deadline: c.deadline });
  }
  for (const q of d.deferred) {
    const lead = q.agency.trim();
    if (!lead) continue;
    const support = q.supportingAgencies.length ? `, phối hợp với ${q.supportingAgencies.join(', ')}` : '';
    const about = q.topic ? ` về ${q.topic.toLocaleLowerCase('vi')}` : '';
    tasks.push({
      agency: lead,
      text: `Chủ trì${support} trả lời bằng văn bản câu hỏi số ${questionNumber(q)}${about} của công dân, gửi người hỏi và đăng công khai`,
      deadline: q.deadline || null,
    });
  }
  return tasks;
}

const COMMUNE = /^(xã|phường|thị trấn)\s+(.+)$/iu;

/**
 * The usual recipients of a notice: the Party committee's and the council's
 * standing members (to report), the committee's leaders, every body given a
 * task or asked to support, the communes the askers came from, the portal,
 * and the archive.
 */
export function draftRecipients(d: MinutesData, tasks: readonly ConclusionTask[]): string[] {
  const commune = /(^|\s)(XÃ|PHƯỜNG|THỊ TRẤN)\s/u.test(d.orgName.normalize('NFC').toLocaleUpperCase('vi'));
  const level = commune ? 'xã' : 'tỉnh';
  const communes = commune
    ? []
    : d.localities.flatMap((l) => {
        const m = COMMUNE.exec(l.trim());
        return m ? [`UBND ${m[1]!.toLocaleLowerCase('vi')} ${m[2]}`] : [];
      });
  // One line per body, whether it has a task, supports one, or is the commune an asker came from.
  const bodies = distinctAgencies([...tasks.map((t) => t.agency), ...d.deferred.flatMap((q) => q.supportingAgencies), ...communes]);
  return [
    commune ? 'Thường trực Đảng ủy xã (b/c);' : 'Thường trực Tỉnh ủy (b/c);',
    `Thường trực HĐND ${level} (b/c);`,
    `Chủ tịch, các Phó Chủ tịch UBND ${level};`,
    ...bodies.map((a) => `${a};`),
    commune ? 'Trang thông tin điện tử xã;' : 'Cổng Thông tin điện tử tỉnh;',
    'Lưu: VT.',
  ];
}
