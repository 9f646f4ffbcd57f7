import { b, body, bullet, i, r, section, type Block, type OfficialDocument } from './blocks';
import { askerLabel, commitmentLine, groupLabel, placeDateLine, vnDay, vnParts, vnTimeDate } from './format';
import type { MinutesData } from './types';

const DOTS = '…';

/**
 * The minutes' content in the order of Decree 30/2020 template 1.9: start
 * time, place, participants, chair, secretary, the session's content in its
 * order, the questions deferred to written answers, the closing line.
 */
export function minutesDocument(d: MinutesData): OfficialDocument {
  const s = d.session;
  const blocks: Block[] = [];
  const started = s.startedAt ?? s.startsAt;

  blocks.push(body(b('Thời gian bắt đầu: '), r(`${vnTimeDate(started)}.`)));
  blocks.push(body(b('Địa điểm: '), r(s.place ? `${s.place}.` : DOTS)));
  blocks.push(body(b('Thành phần tham dự:')));
  if (d.panel.length) {
    blocks.push(bullet(r('- Lãnh đạo chủ trì, trả lời:')));
    for (const p of d.panel) {
      const role = [p.title, p.agency].filter(Boolean).join(', ');
      blocks.push(bullet(r(`+ ${p.name}${role ? `, ${role}` : ''};`)));
    }
  }
  const groups = d.citizens.byGroup
    .filter((g) => g.count > 0)
    .map((g) => `${groupLabel(g.group)}: ${g.count}`)
    .join('; ');
  blocks.push(bullet(r(`- Công dân tham dự: ${d.citizens.total} người${groups ? ` (${groups})` : ''};`)));
  blocks.push(
    bullet(
      r(
        `- Số câu hỏi nhận được: ${d.questionCounts.received} (trả lời trực tiếp tại hội nghị: ${d.questionCounts.takenUp}; chuyển trả lời bằng văn bản: ${d.questionCounts.deferred}).`,
      ),
    ),
  );
  blocks.push(body(b('Chủ trì (chủ tọa): '), r(s.chair ? `${s.chair}.` : DOTS)));
  blocks.push(body(b('Thư ký (người ghi biên bản): '), r(s.secretary ? `${s.secretary}.` : DOTS)));

  blocks.push(section('Nội dung (theo diễn biến hội nghị):'));
  if (d.items.length === 0) blocks.push(body(i('Không có câu hỏi nào được trả lời trực tiếp tại hội nghị.')));
  for (const q of d.items) {
    blocks.push(body(b(`Câu hỏi ${q.number}. `), r(`Người hỏi: ${askerLabel(q.asker)}`), r(q.asker.anonymous ? '.' : `; nhóm: ${groupLabel(q.asker.group)}.`)));
    blocks.push(body(b('Nội dung câu hỏi: '), i(q.text)));
    if (q.answers.length === 0) blocks.push(body(b('Trả lời: '), i('(chưa ghi nhận nội dung trả lời)')));
    for (const a of q.answers) {
      blocks.push(body(b(a.answeredBy ? `Trả lời (${a.answeredBy}): ` : 'Trả lời: '), r(a.text)));
    }
    if (q.commitments.length) {
      blocks.push(body(b('Cam kết:')));
      for (const c of q.commitments) blocks.push(bullet(r(`- ${commitmentLine(c)};`)));
    }
  }

  blocks.push(section('Các câu hỏi chuyển trả lời bằng văn bản:'));
  if (d.deferred.length === 0) blocks.push(body(i('Không có.')));
  for (const q of d.deferred) {
    blocks.push(
      body(
        b(`${q.number}. `),
        r(`${askerLabel(q.asker)}: `),
        i(q.text),
        r(` Cơ quan trả lời: ${q.agency || DOTS}; thời hạn: ${q.deadline ? vnDay(q.deadline) : DOTS}.`),
      ),
    );
  }

  blocks.push(body(r(closingLine(s.closedAt))));

  const agencies = [...new Set([...d.items.flatMap((q) => q.commitments.map((c) => c.agency)), ...d.deferred.map((q) => q.agency)].filter(Boolean))];
  return {
    orgName: d.orgName,
    numberLine: 'Số:        /BB-',
    // Dated the day the session was held.
    placeDate: placeDateLine(d.placeName, started),
    kind: 'BIÊN BẢN',
    subject: s.title,
    blocks,
    signatures: {
      left: { role: 'THƯ KÝ', note: '(Ký, ghi rõ họ tên)', name: s.secretary },
      right: { role: 'CHỦ TỌA', note: '(Ký, ghi rõ họ tên)', name: s.chair },
    },
    recipients: ['Các thành viên chủ trì hội nghị;', ...agencies.map((a) => `${a};`), 'Lưu: VT, hồ sơ hội nghị.'],
  };
}

/** "Hội nghị kết thúc vào 11 giờ 30, ngày 15 tháng 12 năm 2026./." or blanks to fill by hand. */
export function closingLine(closedAt: string | null): string {
  if (!closedAt) return `Hội nghị kết thúc vào ${DOTS} giờ ${DOTS}, ngày ${DOTS} tháng ${DOTS} năm ${DOTS}./.`;
  const p = vnParts(closedAt);
  const mm = String(p.minute).padStart(2, '0');
  const day = String(p.day).padStart(2, '0');
  const month = p.month <= 2 ? String(p.month).padStart(2, '0') : String(p.month);
  return `Hội nghị kết thúc vào ${p.hour} giờ ${mm}, ngày ${day} tháng ${month} năm ${p.year}./.`;
}
