import { distinctAgencies } from '../domain/agencies';
import { b, body, bullet, i, keepWithNext, r, section, textParagraphs, type Block, type OfficialDocument } from './blocks';
import {
  askerLabel,
  commitmentLine,
  groupLabel,
  placeDateLine,
  REJECT_LABEL,
  seatLine,
  signatureName,
  vnDay,
  vnTimeDate,
} from './format';
import { questionNumber } from './numbering';
import type { MinutesData } from './types';
import type { QuestionOutcomes, SourceCounts } from '../../shared/schemas/secretariat';
import { REJECT_REASONS } from '../../shared/schemas/enums';
import { attendanceTotal } from '../../shared/attendance';
import type { CarryOver } from '../../shared/schemas/opinions-report';
import { outcomeLabel } from './opinions-report-content';

const DOTS = '…';

const no = (q: { sessionNumber: number }): string => `số ${questionNumber(q)}`;

/**
 * "Tổng số câu hỏi, ý kiến nhận được: 14; trong đó: trả lời trực tiếp tại
 * hội nghị: 5; chuyển trả lời bằng văn bản: 4; không tiếp nhận: 3 (…); …":
 * every question is in exactly one part, so the parts add up.
 */
export function outcomesSentence(o: QuestionOutcomes, d?: Pick<MinutesData, 'others'>): string {
  const parts = [`trả lời trực tiếp tại hội nghị: ${o.answeredLive}`, `chuyển trả lời bằng văn bản: ${o.deferred}`];
  if (o.rejected.total) {
    const reasons = REJECT_REASONS.filter((k) => o.rejected.byReason[k] > 0)
      .map((k) => `${REJECT_LABEL[k].toLocaleLowerCase('vi')}: ${o.rejected.byReason[k]}`)
      .join(', ');
    parts.push(`không tiếp nhận: ${o.rejected.total} (${reasons})`);
  }
  if (o.merged) {
    const pairs = d?.others.merged.map((m) => `${no(m.from)} gộp vào ${m.into ? no(m.into) : 'câu hỏi khác'}`).join(', ');
    parts.push(`gộp vào câu hỏi cùng nội dung: ${o.merged}${pairs ? ` (${pairs})` : ''}`);
  }
  if (o.withdrawn) parts.push(`người hỏi rút lại: ${o.withdrawn}`);
  if (o.notReached) {
    const list = d?.others.notReached.map((q) => questionNumber(q)).join(', ');
    parts.push(`chưa được trả lời do hết thời gian: ${o.notReached}${list ? ` (câu hỏi số ${list})` : ''}`);
  }
  if (o.notModerated) parts.push(`chưa được xem xét: ${o.notModerated}`);
  return `Tổng số câu hỏi, ý kiến nhận được: ${o.received}; trong đó ${parts.join('; ')}.`;
}

const CHANNEL_WORDS: Record<keyof SourceCounts['byChannel'], string> = {
  app: 'qua ứng dụng',
  floor: 'phát biểu tại hội trường',
  paper: 'phiếu câu hỏi',
  hotline: 'đường dây nóng',
  sms: 'tin nhắn SMS',
};

/**
 * "Theo nguồn: qua ứng dụng: 6; phát biểu tại hội trường: 3; …. Theo điểm
 * cầu: Hội trường chính: 4 (2 câu được trả lời trên màn hình); …": the same
 * counts as the statistics (one function, server/domain/reports/sources.ts).
 */
export function sourcesSentence(src: SourceCounts): string {
  const channels = (Object.keys(CHANNEL_WORDS) as (keyof typeof CHANNEL_WORDS)[])
    .filter((c) => src.byChannel[c] > 0)
    .map((c) => `${CHANNEL_WORDS[c]}: ${src.byChannel[c]}`)
    .join('; ');
  const venues = src.byVenue.length > 1 ? ` Theo điểm cầu: ${src.byVenue.map((v) => `${v.name}: ${v.questions} (đưa lên màn hình: ${v.onStage})`).join('; ')}.` : '';
  return `Câu hỏi theo nguồn: ${channels || 'không có'}.${venues}`;
}

/**
 * The minutes' content in the order of Decree 30/2020 template 1.9: start
 * time, place, participants, chair, secretary, the session's content in its
 * order, the questions deferred to written answers, the chair's closing
 * remarks, the reading-out, the closing time.
 */
export function minutesDocument(d: MinutesData): OfficialDocument {
  const s = d.session;
  const blocks: Block[] = [];
  const started = s.startedAt ?? s.startsAt;

  blocks.push(body(b('Thời gian bắt đầu: '), r(`${vnTimeDate(started)}.`)));
  blocks.push(body(b('Địa điểm: '), r(s.place ? `${s.place}.` : DOTS)));
  blocks.push(keepWithNext(body(b('Thành phần tham dự:'))));
  const members = d.panel.filter((p) => p.role === 'member');
  if (members.length) {
    blocks.push(keepWithNext(bullet(r('- Lãnh đạo, đại diện các cơ quan trả lời:'))));
    for (const p of members) blocks.push(bullet(r(`+ ${seatLine(p)};`)));
  }
  const groups = d.citizens.byGroup
    .filter((g) => g.count > 0)
    .map((g) => `${groupLabel(g.group).toLocaleLowerCase('vi')}: ${g.count}`)
    .join(', ');
  const phones = d.citizens.total ? `; ${d.citizens.total} người tham gia qua ứng dụng${groups ? ` (${groups})` : ''}` : '';
  if (d.venues.length === 0) {
    blocks.push(bullet(r(`- Công dân tham dự: ${s.attendance ?? DOTS} người${phones}.`)));
  } else {
    // The main hall, each linked venue as counted there, then the total (the same sum as the secretariat's form).
    blocks.push(bullet(r(`- Công dân tham dự tại hội trường chính: ${s.attendance ?? DOTS} người;`)));
    blocks.push(keepWithNext(bullet(r(`- Hội nghị được kết nối trực tuyến với ${d.venues.length} điểm cầu:`))));
    for (const v of d.venues) {
      const where = v.locality && !v.name.includes(v.locality) ? ` (${v.locality})` : '';
      blocks.push(bullet(r(`+ ${v.name}${where}: ${v.attendance ?? DOTS} người tham dự;`)));
    }
    const sum = attendanceTotal(s.attendance, d.venues);
    const names = sum.missing.map((id) => (id === null ? 'hội trường chính' : (d.venues.find((v) => v.id === id)?.name ?? '')));
    const partial = sum.total !== null && names.length ? ` (chưa gồm số người của: ${names.join(', ')})` : '';
    blocks.push(bullet(r(`- Tổng số người tham dự tại hội trường chính và các điểm cầu: ${sum.total ?? DOTS} người${partial}${phones}.`)));
  }
  blocks.push(body(b('Chủ trì (chủ tọa): '), r(d.chair ? `${seatLine(d.chair)}.` : DOTS)));
  blocks.push(body(b('Thư ký (người ghi biên bản): '), r(d.secretary ? `${seatLine(d.secretary)}.` : DOTS)));

  if (d.carryOver) blocks.push(...carryOverBlocks(d.carryOver));

  blocks.push(section('Nội dung (theo diễn biến hội nghị):'));
  blocks.push(body(r(outcomesSentence(d.outcomes, d))));
  if (d.sources) blocks.push(body(r(sourcesSentence(d.sources))));
  if (d.items.length === 0) blocks.push(body(i('Không có câu hỏi nào được trả lời trực tiếp tại hội nghị.')));
  for (const q of d.items) {
    const merged = q.absorbed.length ? ` Câu hỏi này gộp cả câu hỏi ${q.absorbed.map(no).join(', ')} cùng nội dung.` : '';
    blocks.push(
      keepWithNext(
        body(
          b(`Câu hỏi ${no(q)}. `),
          r(`Người hỏi: ${askerLabel(q.asker)}`),
          r(q.asker.anonymous ? '' : `; nhóm: ${groupLabel(q.asker.group)}`),
          r(q.source ? `; nơi hỏi: ${q.source}.` : '.'),
          r(merged),
        ),
      ),
    );
    blocks.push(
      body(b('Nội dung câu hỏi: '), i(q.text), ...(q.edited ? [r(' (đã được biên tập; nguyên văn lưu tại danh sách câu hỏi).')] : [])),
    );
    if (q.answers.length === 0) blocks.push(body(b('Trả lời: '), i('(chưa ghi nhận nội dung trả lời)')));
    for (const a of q.answers) {
      blocks.push(body(b(a.answeredBy ? `Trả lời (${a.answeredBy}): ` : 'Trả lời: '), r(a.text)));
    }
    if (q.commitments.length) {
      blocks.push(keepWithNext(body(b('Cam kết:'))));
      for (const c of q.commitments) blocks.push(bullet(r(`- ${commitmentLine(c)};`)));
    }
  }

  blocks.push(section('Các câu hỏi chuyển trả lời bằng văn bản:'));
  if (d.deferred.length === 0) blocks.push(body(i('Không có.')));
  for (const q of d.deferred) {
    const supporting = q.supportingAgencies.length ? `; cơ quan phối hợp: ${q.supportingAgencies.join(', ')}` : '';
    blocks.push(
      body(
        b(`Câu hỏi ${no(q)}. `),
        r(`${askerLabel(q.asker)}${q.source ? ` (${q.source})` : ''}: `),
        i(q.text),
        r(` Cơ quan chủ trì trả lời: ${q.agency || DOTS}${supporting}; thời hạn: ${q.deadline ? vnDay(q.deadline) : DOTS}.`),
      ),
    );
    // Taken up in the hall first, then deferred: what was said stays on record.
    for (const a of q.answers) {
      blocks.push(body(b(a.answeredBy ? `Ý kiến tại hội nghị (${a.answeredBy}): ` : 'Ý kiến tại hội nghị: '), r(a.text)));
    }
  }

  blocks.push(section('Ý kiến kết luận của chủ tọa:'));
  const remarks = s.closingRemarks?.trim() ? textParagraphs(s.closingRemarks) : [body(r(DOTS.repeat(40))), body(r(DOTS.repeat(40)))];
  blocks.push(...remarks);

  // The last lines lead into the signatures: they stay on the signatures' page.
  blocks.push(keepWithNext(body(r('Biên bản đã được đọc lại cho các thành viên tham dự hội nghị cùng nghe và nhất trí thông qua.'))));
  blocks.push(keepWithNext(body(r(closingLine(s.closedAt)))));

  const agencies = distinctAgencies([
    ...d.items.flatMap((q) => q.commitments.map((c) => c.agency)),
    ...d.deferred.flatMap((q) => [q.agency, ...q.supportingAgencies]),
  ]);
  return {
    orgName: d.orgName,
    parentName: d.orgParentName ?? null,
    numberLine: `Số:        /BB-${d.orgAbbreviation}`,
    // Dated the day the session was held.
    placeDate: placeDateLine(d.placeName, started),
    kind: 'BIÊN BẢN',
    subject: s.title,
    blocks,
    signatures: {
      left: { lines: ['THƯ KÝ'], note: '(Ký, ghi rõ họ tên)', name: signatureName(d.secretary) },
      right: { lines: ['CHỦ TỌA'], note: '(Ký, ghi rõ họ tên)', name: signatureName(d.chair) },
    },
    recipients: ['Các thành viên chủ trì hội nghị;', ...agencies.map((a) => `${a};`), 'Lưu: VT, hồ sơ hội nghị.'],
  };
}

const COMMITMENT_WORDS: Record<string, string> = { open: 'chưa thực hiện', in_progress: 'đang thực hiện', done: 'đã hoàn thành' };

/**
 * "Kết quả thực hiện kết luận tại hội nghị đối thoại lần trước": the earlier
 * dialogues with the same audience, their commitments and opinions with
 * what became of them (the last in full, older ones with what is still open).
 */
export function carryOverBlocks(c: CarryOver): Block[] {
  const blocks: Block[] = [section('Kết quả thực hiện kết luận tại hội nghị đối thoại lần trước:')];
  if (c.dialogues.length === 0) {
    blocks.push(body(i('Chưa có hội nghị đối thoại trước với cùng đối tượng.')));
    return blocks;
  }
  blocks.push(
    body(
      r(
        `Cam kết: ${c.totals.commitments}, đã hoàn thành: ${c.totals.commitmentsDone}; ý kiến, kiến nghị: ${c.totals.opinions}, đã giải quyết xong: ${c.totals.resolved}, chưa giải quyết xong: ${c.totals.outstanding}.`,
      ),
    ),
  );
  for (const x of c.dialogues) {
    blocks.push(
      keepWithNext(
        body(
          b(`Hội nghị ngày ${vnDay(x.date)}: `),
          r(`${x.title}${x.chair ? ` (chủ trì: ${x.chair})` : ''}${x.full ? '' : '; những nội dung chưa hoàn thành'}.`),
        ),
      ),
    );
    for (const cm of x.commitments) {
      blocks.push(bullet(r(`- Cam kết (câu hỏi số ${cm.questionNumber}): ${commitmentLine(cm)}: ${COMMITMENT_WORDS[cm.status] ?? cm.status}${cm.overdue ? ', quá hạn' : ''};`)));
    }
    for (const o of x.opinions) {
      const result = [outcomeLabel(o.outcome), o.responseRef, o.outcomeNote].filter(Boolean).join('; ');
      blocks.push(bullet(r(`- ${o.questionNumber ? `Câu hỏi số ${o.questionNumber}` : 'Ý kiến'}: `), i(o.text), r(` (${o.leadAgency ?? 'chưa giao cơ quan chủ trì'}): ${result}${o.doneDate ? '' : ', chưa giải quyết xong'};`)));
    }
    if (x.commitments.length === 0 && x.opinions.length === 0) blocks.push(bullet(r('- Không có cam kết, ý kiến nào.')));
  }
  return blocks;
}

/**
 * "Hội nghị kết thúc vào 11 giờ 30 phút, ngày 15 tháng 12 năm 2026./.", the
 * same way the opening time is written, or blanks to fill by hand.
 */
export function closingLine(closedAt: string | null): string {
  if (!closedAt) return `Hội nghị kết thúc vào ${DOTS} giờ ${DOTS} phút, ngày ${DOTS} tháng ${DOTS} năm ${DOTS}./.`;
  return `Hội nghị kết thúc vào ${vnTimeDate(closedAt)}./.`;
}
