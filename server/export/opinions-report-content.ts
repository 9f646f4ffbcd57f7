import { OPINION_OUTCOMES } from '../../shared/constants';
import type { AgencyRow, OpinionsReport, OutcomeCounts, ReportOpinion } from '../../shared/schemas/opinions-report';
import { body, bullet, i, r, section, table, type DocBlock, type OfficialDocument, type TableBlock } from './blocks';
import { orgHeaderLines, orgInText, placeDateLine, upper, vnDay } from './format';

/** Vietnamese words of the register, as the report and the workbook print them. */
export const OUTCOME_LABEL: Record<(typeof OPINION_OUTCOMES)[number] | 'none', string> = {
  resolved: 'Đã giải quyết',
  in_progress: 'Đang giải quyết',
  explained: 'Đã giải thích, trả lời',
  unresolved: 'Chưa giải quyết được',
  transferred: 'Đã chuyển cơ quan có thẩm quyền',
  none: 'Chưa cập nhật kết quả',
};

export const LEVEL_LABEL: Record<string, string> = {
  central: 'Trung ương',
  province: 'Cấp tỉnh',
  commune: 'Cấp xã',
  other: 'Cơ quan, tổ chức khác',
};

export const OPINION_CHANNEL_LABEL: Record<string, string> = {
  app: 'Hội nghị đối thoại (qua ứng dụng)',
  floor: 'Hội nghị đối thoại (phát biểu tại hội trường)',
  paper: 'Hội nghị đối thoại (phiếu câu hỏi)',
  hotline: 'Đường dây nóng',
  sms: 'Tin nhắn SMS',
  reception: 'Tiếp công dân',
  forum: 'Diễn đàn',
  letter: 'Thư, đơn',
  online: 'Trực tuyến',
  other: 'Kênh khác',
};

export const AUDIENCE_LABEL: Record<string, string> = {
  youth: 'Thanh niên',
  farmer: 'Nông dân',
  worker: 'Công nhân',
  business: 'Doanh nghiệp',
  front: 'Cán bộ Mặt trận',
  other: 'Khác',
};

export const NOT_CLASSIFIED = 'Chưa phân loại';
export const NOT_ASSIGNED_AGENCY = 'Chưa giao cơ quan chủ trì';
export const TOTAL = 'Tổng cộng';

const OUTCOME_COLUMNS = [...OPINION_OUTCOMES, 'none'] as const;

/** The short column heads of the outcome tables. */
export const OUTCOME_HEAD: Record<(typeof OUTCOME_COLUMNS)[number], string> = {
  resolved: 'Đã giải quyết',
  in_progress: 'Đang giải quyết',
  explained: 'Đã giải thích',
  unresolved: 'Chưa giải quyết được',
  transferred: 'Đã chuyển',
  none: 'Chưa cập nhật',
};

export const outcomeLabel = (o: string | null): string => OUTCOME_LABEL[(o ?? 'none') as keyof typeof OUTCOME_LABEL] ?? o ?? '';
export const levelLabel = (l: string | null): string => (l ? (LEVEL_LABEL[l] ?? l) : NOT_CLASSIFIED);
export const fieldLabel = (label: string | null): string => label ?? NOT_CLASSIFIED;
export const agencyLabel = (a: string | null): string => a ?? NOT_ASSIGNED_AGENCY;

/** One row of an outcome table: the label, the total, then each outcome. */
export const outcomeCells = (label: string, c: OutcomeCounts): (string | number)[] => [label, c.total, ...OUTCOME_COLUMNS.map((k) => c[k])];
export const OUTCOME_TABLE_HEAD = (first: string): string[] => [first, 'Tổng số', ...OUTCOME_COLUMNS.map((k) => OUTCOME_HEAD[k])];

export const AGENCY_TABLE_HEAD = ['Cơ quan chủ trì', 'Được giao', 'Đúng hạn', 'Trễ hạn', 'Chưa giải quyết xong', 'Trong đó quá hạn'];
export const agencyCells = (a: AgencyRow, label = agencyLabel(a.agency)): (string | number)[] => [label, a.assigned, a.onTime, a.late, a.outstanding, a.overdue];

export const LIST_HEAD = ['STT', 'Ngày nhận', 'Nguồn', 'Người phản ánh', 'Nội dung', 'Lĩnh vực', 'Cấp', 'Cơ quan chủ trì', 'Thời hạn', 'Kết quả'];

/** The source of an opinion: its channel, and its dialogue and number there. */
export function sourceOf(o: ReportOpinion): string {
  const channel = OPINION_CHANNEL_LABEL[o.channel] ?? o.channel;
  if (o.sessionTitle) return `${o.sessionTitle}${o.questionNumber ? `, câu hỏi số ${o.questionNumber}` : ''}`;
  return channel;
}

/** The outcome as a list prints it: the outcome, the answering document, the note; a repeat says what it repeats. */
export function resultOf(o: ReportOpinion, no: Map<number, number>): string {
  const parts = [outcomeLabel(o.outcome)];
  if (o.responseRef) parts.push(o.responseRef);
  if (o.outcomeNote) parts.push(o.outcomeNote);
  if (o.countedWithId !== null) parts.push(`trùng nội dung, tính chung với ý kiến số ${no.get(o.countedWithId) ?? o.countedWithId}`);
  return parts.join('; ');
}

const dayOf = (iso: string): string => vnDay(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(iso)));

export const listCells = (o: ReportOpinion, k: number, no: Map<number, number>): string[] => [
  String(k + 1),
  dayOf(o.receivedAt),
  sourceOf(o),
  o.person ?? '',
  o.text,
  fieldLabel(o.field),
  o.level ? levelLabel(o.level) : NOT_CLASSIFIED,
  [o.leadAgency, ...o.agencies.map((a) => `${a} (phối hợp)`)].filter(Boolean).join('; '),
  o.deadline ? vnDay(o.deadline) : '',
  resultOf(o, no),
];

const str = (cells: (string | number)[]): string[] => cells.map(String);

/** Who signs a unit's report: on behalf of the body, its head. */
export function unitSigner(u: OpinionsReport['unit']): string[] {
  const name = orgHeaderLines(u.name)[0] ?? upper(u.name);
  const head = /^(ỦY BAN|UỶ BAN|HỘI ĐỒNG)/u.test(name) ? 'CHỦ TỊCH' : /^BAN /u.test(name) ? 'TRƯỞNG BAN' : /^SỞ /u.test(name) ? 'GIÁM ĐỐC' : 'THỦ TRƯỞNG CƠ QUAN';
  return [`TM. ${name}`, head];
}

export const reportSubject = (d: OpinionsReport): string => `Kết quả tiếp nhận, giải quyết ý kiến, kiến nghị của Nhân dân ${d.period.words}`;

const outcomeTable = (first: string, rows: { label: string; counts: OutcomeCounts }[], totals: OutcomeCounts): TableBlock =>
  table({
    header: OUTCOME_TABLE_HEAD(first),
    rows: [...rows.map((x) => str(outcomeCells(x.label, x.counts))), str(outcomeCells(TOTAL, totals))],
    widths: [30, 9, 10, 10, 10, 11, 10, 10],
    bold: [rows.length],
    textColumns: [0],
  });

/**
 * The period report (báo cáo) of a unit, Decree 30/2020 layout: the unit's
 * header and number "…/BC-<abbreviation>", the place-and-date line, the
 * overview, the tables by field, level and agency with their totals, what
 * was carried over from earlier periods, the list of every opinion as the
 * annex, the signature on behalf of the unit and "Nơi nhận".
 */
export function opinionsReportDocument(d: OpinionsReport): OfficialDocument {
  const o = d.overview;
  const blocks: DocBlock[] = [];
  const span = `từ ngày ${vnDay(d.period.from)} đến ngày ${vnDay(d.period.to)}`;
  const who = orgInText(d.unit.name);
  const opener = who !== d.unit.name.trim() ? `${who} báo cáo` : 'Báo cáo';
  // A named period ("quý III năm 2026") is followed by its dates; a plain range is already its dates.
  const when = d.period.words === span ? span : `${d.period.words} (${span})`;
  blocks.push(body(r(`${opener} kết quả tiếp nhận, giải quyết ý kiến, kiến nghị của Nhân dân ${when} như sau:`)));

  blocks.push(section('I. KẾT QUẢ TỔ CHỨC ĐỐI THOẠI VÀ TIẾP NHẬN Ý KIẾN, KIẾN NGHỊ'));
  blocks.push(
    body(
      r(
        o.dialogues.length
          ? `1. Hội nghị đối thoại: trong kỳ đã tổ chức ${o.dialogues.length} hội nghị đối thoại với ${o.participants} lượt người tham dự:`
          : '1. Hội nghị đối thoại: trong kỳ không tổ chức hội nghị đối thoại.',
      ),
    ),
  );
  for (const x of o.dialogues) {
    const group = x.audienceGroup ? AUDIENCE_LABEL[x.audienceGroup] : x.audience;
    blocks.push(
      bullet(
        r(
          `- Ngày ${vnDay(x.date)}: ${x.title}; chủ trì: ${x.chair ?? '…'}; đối tượng: ${group}; ${x.participants} người tham dự; ${x.opinions} ý kiến, kiến nghị.`,
        ),
      ),
    );
  }
  const channels = o.byChannel.map((c) => `${(OPINION_CHANNEL_LABEL[c.channel] ?? c.channel).toLocaleLowerCase('vi')}: ${c.count}`).join('; ');
  blocks.push(
    body(
      r(
        `2. Tiếp nhận ý kiến, kiến nghị: tổng số ý kiến, kiến nghị tiếp nhận trong kỳ: ${o.received} (tại hội nghị đối thoại: ${o.fromDialogues}; qua các kênh khác: ${o.fromOtherChannels}${channels ? `; theo nguồn: ${channels}` : ''}). ` +
          `Sau khi tổng hợp, gộp các ý kiến trùng nội dung (${o.repeats}), còn ${o.afterMerging} ý kiến, kiến nghị; trong đó: trả lời trực tiếp tại hội nghị: ${o.answeredOnSpot}; chuyển trả lời bằng văn bản: ${o.deferred}; đã có trả lời: ${o.answered}.`,
      ),
    ),
  );

  blocks.push(section('II. PHÂN LOẠI VÀ KẾT QUẢ GIẢI QUYẾT'));
  blocks.push(body(r(`1. Theo lĩnh vực (${o.afterMerging} ý kiến, kiến nghị sau khi gộp trùng):`)));
  blocks.push(outcomeTable('Lĩnh vực', d.byField.rows.map((x) => ({ label: fieldLabel(x.label), counts: x.counts })), d.byField.totals));
  blocks.push(body(r('2. Theo cấp có thẩm quyền giải quyết:')));
  blocks.push(outcomeTable('Cấp', d.byLevel.rows.map((x) => ({ label: levelLabel(x.key as string | null), counts: x.counts })), d.byLevel.totals));
  blocks.push(body(r(`3. Theo cơ quan chủ trì giải quyết (đúng hạn, trễ hạn tính theo thời hạn của từng ý kiến, đến ngày ${vnDay(d.asOf)}):`)));
  blocks.push(
    table({
      header: AGENCY_TABLE_HEAD,
      rows: [...d.byAgency.rows.map((a) => str(agencyCells(a))), str(agencyCells(d.byAgency.totals, TOTAL))],
      widths: [34, 11, 11, 11, 13, 13],
      bold: [d.byAgency.rows.length],
      textColumns: [0],
    }),
  );

  const no = new Map(d.opinions.map((x, k) => [x.id, k + 1]));
  const c = d.carryOver;
  blocks.push(section('III. Ý KIẾN, KIẾN NGHỊ TỪ CÁC KỲ TRƯỚC CHUYỂN SANG'));
  if (c.count === 0) blocks.push(body(i(`Không có ý kiến, kiến nghị nào nhận trước ngày ${vnDay(d.period.from)} còn chưa giải quyết xong.`)));
  else {
    const dealt = OUTCOME_COLUMNS.filter((k) => c.byOutcome[k] > 0)
      .map((k) => `${OUTCOME_LABEL[k].toLocaleLowerCase('vi')}: ${c.byOutcome[k]}`)
      .join(', ');
    blocks.push(
      body(
        r(
          `Số ý kiến, kiến nghị nhận trước ngày ${vnDay(d.period.from)} chưa giải quyết xong: ${c.count}; trong kỳ đã giải quyết xong: ${c.dealtWith}${dealt ? ` (${dealt})` : ''}; còn lại chưa giải quyết xong: ${c.outstanding} (trong đó quá hạn: ${c.overdue}).`,
        ),
      ),
    );
    blocks.push(
      table({
        header: ['STT', 'Ngày nhận', 'Nội dung', 'Cơ quan chủ trì', 'Thời hạn', 'Kết quả đến cuối kỳ'],
        rows: c.opinions.map((x, k) => [
          String(k + 1),
          dayOf(x.receivedAt),
          x.text,
          agencyLabel(x.leadAgency),
          x.deadline ? vnDay(x.deadline) : '',
          x.state === 'dealt_with' ? `${outcomeLabel(x.outcome)} (ngày ${vnDay(x.doneDate)})` : `Chưa giải quyết xong${x.outcome ? ` (${outcomeLabel(x.outcome).toLocaleLowerCase('vi')})` : ''}`,
        ]),
        widths: [6, 12, 40, 18, 11, 20],
        textColumns: [2, 3, 5],
      }),
    );
  }

  blocks.push(section('IV. DANH SÁCH Ý KIẾN, KIẾN NGHỊ TIẾP NHẬN TRONG KỲ (PHỤ LỤC)'));
  if (d.opinions.length === 0) blocks.push(body(i('Không có.')));
  else
    blocks.push(
      table({
        header: LIST_HEAD,
        rows: d.opinions.map((x, k) => listCells(x, k, no)),
        widths: [5, 9, 12, 11, 22, 9, 7, 11, 8, 14],
        textColumns: [2, 3, 4, 5, 7, 9],
      }),
    );

  blocks.push(body(r(`Trên đây là báo cáo kết quả tiếp nhận, giải quyết ý kiến, kiến nghị của Nhân dân ${d.period.words}./.`)));

  return {
    orgName: d.unit.name,
    parentName: d.unit.parentName?.trim() || null,
    numberLine: `Số:        /BC-${d.unit.abbreviation}`,
    placeDate: placeDateLine(d.unit.place, d.generatedAt),
    kind: 'BÁO CÁO',
    subject: reportSubject(d),
    blocks,
    signatures: { left: null, right: { lines: unitSigner(d.unit), note: null, name: null } },
    recipients: [...(d.unit.parentName?.trim() ? [`${d.unit.parentName.trim()} (để báo cáo);`] : []), 'Lưu: VT.'],
  };
}
