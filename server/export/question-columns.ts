import { askerLabel, CHANNEL_LABEL, COMMITMENT_LABEL, FOLLOW_UP_LABEL, groupLabel, REJECT_LABEL, STATUS_LABEL, vnDateTimeShort, vnDay } from './format';
import { outcomeOf } from '../domain/reports/outcomes';
import { questionNumber } from './numbering';
import type { QuestionListRow } from './types';

/**
 * How a column's values are typed: `date` values are calendar dates
 * ("2027-01-15"), `datetime` values ISO instants; the workbook writes both
 * as real date cells, the CSV as Vietnamese dates.
 */
export type ColumnKind = 'text' | 'number' | 'date' | 'datetime';

export interface Column {
  header: string;
  /** Width in characters for the workbook. */
  width: number;
  kind: ColumnKind;
  value: (row: QuestionListRow) => string | number | null;
}

const joinLines = (lines: string[]): string => lines.join('\n');

const text = (header: string, width: number, value: Column['value']): Column => ({ header, width, kind: 'text', value });

/** A value as text, for the CSV: dates the Vietnamese way. */
export function columnText(c: Column, v: string | number | null): string | number {
  if (v === null) return '';
  if (c.kind === 'date') return vnDay(String(v));
  if (c.kind === 'datetime') return vnDateTimeShort(String(v));
  return v;
}

/**
 * The columns of the question lists, shared by CSV and XLSX. The question's
 * number in the session and its tracking code link a row to the minutes and
 * to what the citizen holds. There is deliberately no column for contact
 * details: these files travel.
 */
export const QUESTION_COLUMNS: Column[] = [
  { header: 'Số câu hỏi', width: 7, kind: 'number', value: (r) => questionNumber(r) },
  text('Mã tra cứu', 13, (r) => r.trackingCode),
  { header: 'Mã câu hỏi', width: 8, kind: 'number', value: (r) => r.id },
  { header: 'Thời gian gửi', width: 16, kind: 'datetime', value: (r) => r.createdAt },
  text('Trạng thái', 20, (r) => STATUS_LABEL[r.status]),
  text('Lý do không tiếp nhận', 16, (r) => (r.rejectReason ? REJECT_LABEL[r.rejectReason] : '')),
  text('Người hỏi', 28, (r) => askerLabel(r.asker)),
  text('Địa phương', 18, (r) => (r.asker.anonymous ? '' : (r.asker.locality ?? ''))),
  text('Nhóm', 14, (r) => (r.asker.anonymous ? '' : groupLabel(r.asker.group))),
  text('Chủ đề', 16, (r) => r.topic ?? ''),
  text('Nội dung câu hỏi', 50, (r) => r.text),
  text('Nội dung gốc (trước khi biên tập)', 36, (r) => r.originalText ?? ''),
  { header: 'Lượt ủng hộ', width: 9, kind: 'number', value: (r) => r.votes },
  { header: 'Gộp vào câu hỏi số', width: 9, kind: 'number', value: (r) => r.mergedIntoNumber },
  text('Giao cho', 22, (r) => [r.assignee, r.agency].filter(Boolean).join(' – ')),
  text('Trả lời trực tiếp', 50, (r) =>
    joinLines(r.answers.filter((a) => a.kind === 'live').map((a) => (a.answeredBy ? `${a.answeredBy}: ${a.text}` : a.text))),
  ),
  text('Trả lời bằng văn bản', 50, (r) =>
    joinLines(
      r.answers
        .filter((a) => a.kind === 'written')
        .map((a) => `${a.answeredBy ? `${a.answeredBy}: ` : ''}${a.text}${a.publishedAt ? ` (công bố ${vnDateTimeShort(a.publishedAt)})` : ' (chưa công bố)'}`),
    ),
  ),
  text('Cam kết', 40, (r) =>
    joinLines(r.commitments.map((c) => `${c.text} – ${c.agency}${c.deadline ? `, hạn ${vnDay(c.deadline)}` : ''} (${COMMITMENT_LABEL[c.status]})`)),
  ),
  text('Cơ quan chủ trì trả lời bằng văn bản', 24, (r) => r.followUp?.agency ?? ''),
  text('Cơ quan phối hợp', 24, (r) => joinLines(r.followUp?.supportingAgencies ?? [])),
  { header: 'Hạn trả lời', width: 12, kind: 'date', value: (r) => r.followUp?.deadline ?? null },
  text('Tình trạng theo dõi', 18, (r) => (r.followUp ? `${FOLLOW_UP_LABEL[r.followUp.status]}${r.followUp.overdue ? ' – quá hạn' : ''}` : '')),
  text('Nguồn câu hỏi', 24, (r) => CHANNEL_LABEL[r.channel]),
  text('Điểm cầu', 22, (r) => r.venue ?? 'Hội trường chính'),
];

const outcomeText = (r: QuestionListRow): string => {
  // An approved question is counted by the minutes as answered live (a live answer was recorded) or as not
  // reached: the printed list says the same, where "Đã duyệt" told the clerk nothing about what happened to it.
  if (r.status === 'approved') {
    return outcomeOf({ status: r.status, hasLiveAnswer: r.answers.some((a) => a.kind === 'live') }) === 'answeredLive'
      ? STATUS_LABEL.answered
      : 'Chưa được trả lời tại hội nghị';
  }
  const status = STATUS_LABEL[r.status];
  if (r.status === 'rejected' && r.rejectReason) return `${status}: ${REJECT_LABEL[r.rejectReason].toLocaleLowerCase('vi')}`;
  if (r.status === 'merged' && r.mergedIntoNumber) return `${status} vào câu hỏi số ${r.mergedIntoNumber}`;
  return status;
};

/**
 * The printed list: the columns a clerk reads on paper, sized to fit an A4
 * landscape page at a readable scale. The full list is the first sheet.
 */
export const PRINT_COLUMNS: Column[] = [
  { header: 'Số', width: 5, kind: 'number', value: (r) => questionNumber(r) },
  text('Người hỏi', 20, (r) => askerLabel(r.asker)),
  text('Nội dung câu hỏi', 44, (r) => r.text),
  text('Kết quả', 16, outcomeText),
  text('Trả lời tại hội nghị, cam kết', 44, (r) =>
    joinLines([
      ...r.answers.filter((a) => a.kind === 'live').map((a) => (a.answeredBy ? `${a.answeredBy}: ${a.text}` : a.text)),
      ...r.commitments.map((c) => `Cam kết: ${c.text} – ${c.agency}${c.deadline ? `, hạn ${vnDay(c.deadline)}` : ''}`),
    ]),
  ),
  text('Trả lời bằng văn bản: cơ quan, hạn', 22, (r) =>
    r.followUp
      ? joinLines([
          `${r.followUp.agency} (chủ trì)`,
          ...(r.followUp.supportingAgencies.length ? [`Phối hợp: ${r.followUp.supportingAgencies.join(', ')}`] : []),
          `Hạn: ${vnDay(r.followUp.deadline)}`,
        ])
      : '',
  ),
  text('Mã tra cứu', 12, (r) => r.trackingCode),
];
