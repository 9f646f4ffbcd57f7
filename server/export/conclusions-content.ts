import { b, body, bullet, i, r, section, type Block, type OfficialDocument } from './blocks';
import { orgInText, placeDateLine, vnDateWords, vnDay, vnParts } from './format';
import type { MinutesData } from './types';

/**
 * The conclusion notice ("thông báo kết luận") published after the session:
 * what was answered, the commitments grouped by responsible agency, and the
 * questions each agency must answer in writing by its deadline. Built from
 * the same data as the minutes, so nothing is retyped.
 */
export function conclusionsDocument(d: MinutesData): OfficialDocument {
  const s = d.session;
  const blocks: Block[] = [];
  const date = vnDateWords(vnParts(s.startedAt ?? s.startsAt));
  const panel = d.panel.map((p) => [p.name, p.title, p.agency].filter(Boolean).join(', ')).join('; ');

  blocks.push(
    body(
      r(
        `Ngày ${date.replace(/^ngày /, '')}${s.place ? `, tại ${s.place}` : ''}, ${orgInText(d.orgName)} tổ chức hội nghị "${s.title}". ` +
          `${s.chair ? `Chủ trì hội nghị: ${s.chair}. ` : ''}` +
          `${panel ? `Tham dự có: ${panel}; cùng ${d.citizens.total} công dân.` : `Tham dự có ${d.citizens.total} công dân.`}`,
      ),
    ),
  );
  blocks.push(
    body(
      r(
        `Hội nghị đã nhận được ${d.questionCounts.received} câu hỏi, ý kiến, kiến nghị; trong đó ${d.questionCounts.takenUp} câu hỏi được trả lời trực tiếp tại hội nghị, ${d.questionCounts.deferred} câu hỏi được giao trả lời bằng văn bản. Sau khi nghe ý kiến của công dân và ý kiến trả lời của các cơ quan, đơn vị, chủ tọa hội nghị kết luận như sau:`,
      ),
    ),
  );

  blocks.push(section('1. Các nội dung đã được trả lời tại hội nghị'));
  if (d.items.length === 0) blocks.push(body(i('Không có.')));
  for (const q of d.items) {
    const about = q.topic ? `Về ${q.topic}` : `Câu hỏi ${q.number}`;
    const answer = q.answers.map((a) => a.text).join(' ');
    blocks.push(body(b(`1.${q.number}. ${about}: `), i(q.text), r(answer ? ` ${answer}` : ' (chưa ghi nhận nội dung trả lời).')));
  }

  blocks.push(section('2. Các nhiệm vụ, cam kết'));
  const byAgency = new Map<string, { text: string; deadline: string | null }[]>();
  for (const q of d.items) {
    for (const c of q.commitments) {
      const list = byAgency.get(c.agency) ?? [];
      list.push(c);
      byAgency.set(c.agency, list);
    }
  }
  if (byAgency.size === 0) blocks.push(body(i('Không có.')));
  for (const [agency, list] of byAgency) {
    blocks.push(body(b(`${agency}:`)));
    for (const c of list) blocks.push(bullet(r(`- ${c.text}${c.deadline ? `; thời hạn hoàn thành: ${vnDay(c.deadline)}` : ''}.`)));
  }

  blocks.push(section('3. Các nội dung giao trả lời bằng văn bản'));
  if (d.deferred.length === 0) blocks.push(body(i('Không có.')));
  for (const q of d.deferred) {
    blocks.push(
      body(
        r(`Giao ${q.agency || '…'} nghiên cứu, trả lời bằng văn bản câu hỏi: `),
        i(`"${q.text}"`),
        r(q.deadline ? `; thời hạn trước ngày ${vnDay(q.deadline)}.` : '.'),
      ),
    );
  }

  blocks.push(body(r(`${orgInText(d.orgName)} thông báo để các cơ quan, đơn vị, cá nhân có liên quan biết, thực hiện./.`)));

  const agencies = [...new Set([...byAgency.keys(), ...d.deferred.map((q) => q.agency)].filter(Boolean))];
  return {
    orgName: d.orgName,
    numberLine: 'Số:        /TB-',
    placeDate: placeDateLine(d.placeName, s.closedAt ?? s.startsAt),
    kind: 'THÔNG BÁO',
    subject: `Kết luận của chủ tọa tại hội nghị "${s.title}"`,
    blocks,
    signatures: { left: null, right: { role: 'CHỦ TỌA', note: '(Ký, ghi rõ họ tên)', name: s.chair } },
    recipients: [...agencies.map((a) => `${a};`), 'Các thành viên chủ trì hội nghị;', 'Lưu: VT.'],
  };
}
