import { askerLabel, COMMITMENT_LABEL, FOLLOW_UP_LABEL, groupLabel, REJECT_LABEL, STATUS_LABEL, vnDateTimeShort, vnDay } from './format';
import type { QuestionListRow } from './types';

export interface Column {
  header: string;
  /** Width in characters for the workbook. */
  width: number;
  value: (row: QuestionListRow) => string | number;
}

const joinLines = (lines: string[]): string => lines.join('\n');

/**
 * The columns of the question lists, shared by CSV and XLSX. There is
 * deliberately no column for contact details: these files travel.
 */
export const QUESTION_COLUMNS: Column[] = [
  { header: 'STT', width: 6, value: (r) => r.number },
  { header: 'Mã câu hỏi', width: 10, value: (r) => r.id },
  { header: 'Thời gian gửi', width: 17, value: (r) => vnDateTimeShort(r.createdAt) },
  { header: 'Trạng thái', width: 22, value: (r) => STATUS_LABEL[r.status] },
  { header: 'Lý do không tiếp nhận', width: 20, value: (r) => (r.rejectReason ? REJECT_LABEL[r.rejectReason] : '') },
  { header: 'Người hỏi', width: 28, value: (r) => askerLabel(r.asker) },
  { header: 'Địa phương', width: 20, value: (r) => (r.asker.anonymous ? '' : (r.asker.locality ?? '')) },
  { header: 'Nhóm', width: 14, value: (r) => (r.asker.anonymous ? '' : groupLabel(r.asker.group)) },
  { header: 'Chủ đề', width: 18, value: (r) => r.topic ?? '' },
  { header: 'Nội dung câu hỏi', width: 60, value: (r) => r.text },
  { header: 'Nội dung gốc (trước khi biên tập)', width: 40, value: (r) => r.originalText ?? '' },
  { header: 'Lượt ủng hộ', width: 11, value: (r) => r.votes },
  { header: 'Gộp vào câu hỏi', width: 12, value: (r) => r.mergedIntoId ?? '' },
  { header: 'Giao cho', width: 24, value: (r) => [r.assignee, r.agency].filter(Boolean).join(' – ') },
  {
    header: 'Trả lời trực tiếp',
    width: 60,
    value: (r) => joinLines(r.answers.filter((a) => a.kind === 'live').map((a) => (a.answeredBy ? `${a.answeredBy}: ${a.text}` : a.text))),
  },
  {
    header: 'Trả lời bằng văn bản',
    width: 60,
    value: (r) =>
      joinLines(
        r.answers
          .filter((a) => a.kind === 'written')
          .map((a) => `${a.answeredBy ? `${a.answeredBy}: ` : ''}${a.text}${a.publishedAt ? ` (công bố ${vnDateTimeShort(a.publishedAt)})` : ' (chưa công bố)'}`),
      ),
  },
  {
    header: 'Cam kết',
    width: 50,
    value: (r) =>
      joinLines(r.commitments.map((c) => `${c.text} – ${c.agency}${c.deadline ? `, hạn ${vnDay(c.deadline)}` : ''} (${COMMITMENT_LABEL[c.status]})`)),
  },
  { header: 'Cơ quan trả lời bằng văn bản', width: 26, value: (r) => r.followUp?.agency ?? '' },
  { header: 'Hạn trả lời', width: 12, value: (r) => vnDay(r.followUp?.deadline ?? null) },
  {
    header: 'Tình trạng theo dõi',
    width: 20,
    value: (r) => (r.followUp ? `${FOLLOW_UP_LABEL[r.followUp.status]}${r.followUp.overdue ? ' – quá hạn' : ''}` : ''),
  },
];
