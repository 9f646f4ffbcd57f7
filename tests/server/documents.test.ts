import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conclusions, PublicSessionRecord, SessionStats } from '../../shared/schemas/secretariat';
import { loadConfig } from '../../server/config';
import { TEXT_WIDTH } from '../../server/export/official-docx';
import { HEADER_ROW, XLSX_FONT } from '../../server/export/questions.xlsx';
import { auth, createSession, createStaff, createTestApp, dbRows, errorCode, setStatus, type TestApp } from '../helpers/app';
import { FULL_TITLE, runFullDialogue, type FullDialogue } from '../helpers/documents';

/** Paragraphs of a Word document: their XML and their text. */
function paragraphs(xml: string): { xml: string; text: string }[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => ({
    xml: m[0],
    text: [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
      .map((t) => t[1])
      .join('')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"'),
  }));
}
const plain = (xml: string) => paragraphs(xml).map((p) => p.text).join('\n');

/** The signature table: the last table of the document. */
const lastTable = (xml: string) => xml.slice(xml.lastIndexOf('<w:tbl>'), xml.lastIndexOf('</w:tbl>'));

describe('documents a clerk signs as they come out (issue 16)', () => {
  let t: TestApp;
  let f: FullDialogue;
  const get = (path: string, token = f.tokens.sec) => t.app.inject({ url: `/api/sessions/${f.session.id}/${path}`, headers: auth(token) });
  const docx = async (path: string) => (await JSZip.loadAsync((await get(path)).rawPayload)).file('word/document.xml')!.async('string');

  beforeAll(async () => {
    t = await createTestApp({ ORG_NAME: 'UBND TỈNH TUYÊN QUANG', ORG_ABBREVIATION: 'UBND' });
    f = await runFullDialogue(t);
  });
  afterAll(() => t.close());

  it('counts every question once, the same way in the statistics, the minutes, the notice and the public record', async () => {
    const stats: SessionStats = (await get('stats')).json();
    expect(stats.outcomes).toEqual({
      received: 15,
      answeredLive: 4,
      deferred: 4,
      rejected: { total: 3, byReason: { duplicate: 1, off_topic: 1, abusive: 1, personal_data: 0, other: 0 } },
      merged: 1,
      withdrawn: 1,
      notReached: 1,
      notModerated: 1,
    });
    const o = stats.outcomes;
    expect(o.answeredLive + o.deferred + o.rejected.total + o.merged + o.withdrawn + o.notReached + o.notModerated).toBe(o.received);
    expect(stats.questions).toBe(o.received);
    expect(stats.takenUpLive).toBe(o.answeredLive);
    expect(stats.attendance).toBe(312);

    const sentence =
      'Tổng số câu hỏi, ý kiến nhận được: 15; trong đó trả lời trực tiếp tại hội nghị: 4; chuyển trả lời bằng văn bản: 4; ' +
      'không tiếp nhận: 3 (trùng lặp: 1, không đúng chủ đề: 1, ngôn từ không phù hợp: 1); ' +
      'gộp vào câu hỏi cùng nội dung: 1 (số 3 gộp vào số 1); người hỏi rút lại: 1; ' +
      'chưa được trả lời do hết thời gian: 1 (câu hỏi số 13); chưa được xem xét: 1.';
    const minutes = plain(await docx('minutes.docx'));
    expect(minutes).toContain(sentence);
    // The parts printed add up to the total printed.
    const parts = /trong đó (.*)\.$/m.exec(minutes.split('\n').find((l) => l.startsWith('Tổng số câu hỏi'))!)![1]!;
    const sum = parts.split('; ').reduce((n, p) => n + Number(/: (\d+)/.exec(p)![1]), 0);
    expect(sum).toBe(15);
    expect(plain(await docx('conclusions.docx'))).toContain(sentence.replace(/ \(số 3 gộp vào số 1\)| \(câu hỏi số 13\)/g, ''));

    const pub: PublicSessionRecord = (await t.app.inject({ url: `/api/public/sessions/${f.session.id}` })).json();
    expect(pub.notShown).toEqual({ rejected: o.rejected, merged: o.merged, withdrawn: o.withdrawn, pending: o.notModerated });
    expect(pub.questions).toHaveLength(o.answeredLive + o.deferred + o.notReached);
    // The secretary's seat is not named on the public record.
    expect(pub.session.panel.map((p) => p.name)).toEqual(['Ông Nguyễn Văn Sơn', 'Ông Trần Quốc Việt', 'Bà Phạm Thu Trang', 'Ông Hoàng Minh Đức']);
    expect(JSON.stringify(pub)).not.toContain('Lê Thị Hạnh');
  });

  it('names the chair and the secretary from their seats in the text, and by name alone under the signatures', async () => {
    const xml = await docx('minutes.docx');
    const text = plain(xml);
    expect(text).toContain('Chủ trì (chủ tọa): Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh.');
    expect(text).toContain('Thư ký (người ghi biên bản): Bà Lê Thị Hạnh, Phó Chánh Văn phòng UBND tỉnh.');
    const sig = paragraphs(lastTable(xml)).map((p) => p.text).filter(Boolean);
    expect(sig).toEqual(['THƯ KÝ', '(Ký, ghi rõ họ tên)', 'Lê Thị Hạnh', 'CHỦ TỌA', '(Ký, ghi rõ họ tên)', 'Nguyễn Văn Sơn']);
    // The chair and the secretary are not listed again among those who answered.
    expect(text).toContain('+ Ông Trần Quốc Việt, Giám đốc Sở Nông nghiệp và Môi trường;');
    expect(text).not.toContain('+ Ông Nguyễn Văn Sơn');
  });

  it('numbers the minutes with the unit abbreviation, writes the closing time as the opening one, and ends with the reading-out and the chair\'s remarks', async () => {
    const text = plain(await docx('minutes.docx'));
    expect(text).toContain('Số:        /BB-UBND');
    const opening = /^Thời gian bắt đầu: (\d{1,2} giờ \d{2} phút, ngày \d{2} tháng \d{1,2} năm \d{4})\.$/m.exec(text);
    const closing = /^Hội nghị kết thúc vào (\d{1,2} giờ \d{2} phút, ngày \d{2} tháng \d{1,2} năm \d{4})\.\/\.$/m.exec(text);
    expect(opening).not.toBeNull();
    expect(closing).not.toBeNull();
    expect(text).toContain('Công dân tham dự: 312 người; 5 người tham gia qua ứng dụng');
    const order = [
      'Ý kiến kết luận của chủ tọa:',
      'Chủ tịch UBND tỉnh đánh giá cao tinh thần thẳng thắn của các bạn thanh niên.',
      '1. Các sở, ngành trả lời bằng văn bản đúng thời hạn.',
      '2. Văn phòng UBND tỉnh theo dõi, đôn đốc.',
      'Biên bản đã được đọc lại cho các thành viên tham dự hội nghị cùng nghe và nhất trí thông qua.',
      'Hội nghị kết thúc vào',
    ];
    let at = -1;
    for (const piece of order) {
      const next = text.indexOf(piece, at + 1);
      expect(next, piece).toBeGreaterThan(at);
      at = next;
    }
    // An answered question says what it absorbed; an edited one says it was edited.
    expect(text).toContain('Câu hỏi số 1. Người hỏi: Nguyễn Thị Lan (Phường Minh Xuân); nhóm: Thanh niên. Câu hỏi này gộp cả câu hỏi số 3 cùng nội dung.');
    expect(text).toContain('Khi nào đường liên xã Hòa Bình - Kim Phú được sửa chữa, nâng cấp? (đã được biên tập; nguyên văn lưu tại danh sách câu hỏi).');
  });

  it('turns every newline of a question, an answer or the remarks into its own paragraph, in Word and in HTML', async () => {
    const xml = await docx('minutes.docx');
    const ps = paragraphs(xml).map((p) => p.text);
    expect(ps).toContain('Nội dung câu hỏi: Em có hai câu hỏi:');
    expect(ps).toContain('1. Tỉnh có chính sách gì hỗ trợ thanh niên khởi nghiệp nông nghiệp công nghệ cao?');
    expect(ps).toContain('2. Thủ tục vay vốn có thể rút ngắn không?');
    expect(ps).toContain('Về câu thứ hai: Ngân hàng Chính sách xã hội sẽ rút thời gian xét duyệt còn 10 ngày.');
    // No literal newline is left inside a run of text, where Word would drop it.
    for (const m of xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)) expect(m[1]).not.toMatch(/[\r\n]/);
    const html = (await get('minutes.html')).body;
    expect(html).toMatch(/<p class="body"><em>1\. Tỉnh có chính sách gì hỗ trợ thanh niên khởi nghiệp nông nghiệp công nghệ cao\?<\/em><\/p>/);
  });

  it('spaces paragraphs at least 6 pt apart and keeps headings and the signature block with what follows', async () => {
    const xml = await docx('minutes.docx');
    const all = paragraphs(xml);
    const from = all.findIndex((p) => p.text.startsWith('Thời gian bắt đầu'));
    const to = all.findIndex((p) => p.text === 'THƯ KÝ');
    const body = all.slice(from, to).filter((p) => p.text);
    expect(body.length).toBeGreaterThan(40);
    for (const p of body) {
      const after = /<w:spacing [^>]*w:after="(\d+)"/.exec(p.xml);
      expect(after, p.text).not.toBeNull();
      expect(Number(after![1]), p.text).toBeGreaterThanOrEqual(120);
    }
    // Headings never stand alone at the foot of a page.
    for (const heading of ['Nội dung (theo diễn biến hội nghị):', 'Các câu hỏi chuyển trả lời bằng văn bản:', 'Ý kiến kết luận của chủ tọa:']) {
      expect(body.find((p) => p.text === heading)!.xml, heading).toContain('<w:keepNext/>');
    }
    // The lines leading into the signatures, and every line of the signature block but the last, keep with the next:
    // the block never splits and never stands alone on the last page.
    expect(body.find((p) => p.text.startsWith('Biên bản đã được đọc lại'))!.xml).toContain('<w:keepNext/>');
    expect(body.find((p) => p.text.startsWith('Hội nghị kết thúc vào'))!.xml).toContain('<w:keepNext/>');
    const table = lastTable(xml);
    expect(table).toContain('<w:cantSplit/>');
    const cell = table.slice(0, table.indexOf('</w:tc>'));
    const cellParas = paragraphs(cell);
    for (const p of cellParas.slice(0, -1)) expect(p.xml).toContain('<w:keepNext/>');
    // "Nơi nhận:" keeps with its list.
    const rec = paragraphs(xml).find((p) => p.text === 'Nơi nhận:')!;
    expect(rec.xml).toContain('<w:keepNext/>');

    const html = (await get('minutes.html')).body;
    expect(html).toContain('p { margin: 0 0 6pt;');
    expect(html).toMatch(/\.signatures \{[^}]*break-inside: avoid/);
    expect(html).toMatch(/\.recipients \{[^}]*break-inside: avoid/);
    expect(html).toMatch(/p\.keep \{ break-after: avoid/);
    expect(html).toMatch(/<p class="section keep"><strong>Ý kiến kết luận của chủ tọa:<\/strong><\/p>/);
  });

  it('draws the trích yếu rule at a third to a half of the line', async () => {
    for (const file of ['minutes.docx', 'conclusions.docx']) {
      const xml = await docx(file);
      const rules = paragraphs(xml).filter((p) => p.xml.includes('<w:bottom '));
      const rule = rules[rules.length - 1]!.xml;
      const left = Number(/<w:ind [^>]*w:left="(\d+)"/.exec(rule)![1]);
      const right = Number(/<w:ind [^>]*w:right="(\d+)"/.exec(rule)![1]);
      const width = TEXT_WIDTH - left - right;
      // Both subjects here are long: their line is the full text width.
      expect(width / TEXT_WIDTH, file).toBeGreaterThanOrEqual(1 / 3);
      expect(width / TEXT_WIDTH, file).toBeLessThanOrEqual(1 / 2);
    }
  });

  it('names a deferral\'s lead body and its supporting bodies, and every body once among the recipients', async () => {
    expect(f.q.fees.followUp).toMatchObject({ agency: 'Sở Giáo dục và Đào tạo', supportingAgencies: ['Sở Tài chính'] });
    const text = plain(await docx('minutes.docx'));
    expect(text).toContain('Cơ quan chủ trì trả lời: Sở Giáo dục và Đào tạo; cơ quan phối hợp: Sở Tài chính; thời hạn: 15/01/2027.');
    expect(text).toContain('Cơ quan chủ trì trả lời: Công ty Điện lực Tuyên Quang; cơ quan phối hợp: Sở Công Thương, UBND xã Hòa Bình; thời hạn: 15/02/2027.');
    const recipients = text.slice(text.indexOf('Nơi nhận:')).split('\n').slice(1).filter(Boolean);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients.filter((r) => r.includes('Sở Tài chính'))).toHaveLength(1);
    expect(recipients.filter((r) => r.includes('Sở Nội vụ'))).toHaveLength(1);
    expect(recipients).not.toContain('- Sở Giáo dục và Đào tạo; Sở Tài chính;');
    // Answered in the hall, then deferred after closing: what was said stays in the minutes.
    expect(text).toContain(
      'Ý kiến tại hội nghị (Ông Trần Quốc Việt, Giám đốc Sở Nông nghiệp và Môi trường): Tỉnh hỗ trợ xi măng cho kênh mương nội đồng theo Nghị quyết của HĐND tỉnh.',
    );
  });

  it('lets the secretariat defer a question itself, with supporting bodies', async () => {
    // The fixture's secretary deferred questions 7 and 9 through the moderation route; the record says so.
    const who = await dbRows<{ role: string }>(t, "SELECT u.role FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.action = 'question.defer' AND a.entity_id = ?", f.q.power.id);
    expect(who).toEqual([{ role: 'secretary' }]);
    expect(f.q.power).toMatchObject({ status: 'deferred', followUp: { agency: 'Công ty Điện lực Tuyên Quang', supportingAgencies: ['Sở Công Thương', 'UBND xã Hòa Bình'] } });
    const q = f.q.late;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/questions/${q.id}/moderate`,
      headers: auth(f.tokens.sec),
      payload: { action: 'tag', topic: 'Du lịch' },
    });
    // Deferring is the secretariat's; the rest of moderation is not.
    expect(res.statusCode).toBe(403);
    const leader = await t.app.inject({
      method: 'POST',
      url: `/api/questions/${q.id}/moderate`,
      headers: auth(f.tokens.leader),
      payload: { action: 'defer', agency: 'Sở Văn hóa', deadline: '2027-02-01' },
    });
    expect(leader.statusCode).toBe(403);
  });

  describe('the conclusion notice', () => {
    it('is a draft from the commitments and deferrals until saved, then exactly what was saved', async () => {
      const draft: Conclusions = (await get('conclusions')).json();
      expect(draft.saved).toBe(false);
      expect(draft.subject).toBe('Kết luận của Chủ tịch UBND tỉnh tại Hội nghị đối thoại giữa Chủ tịch UBND tỉnh với thanh niên năm 2026');
      expect(draft.tasks).toContainEqual({ agency: 'Sở Nông nghiệp và Môi trường', text: 'Ban hành hướng dẫn hỗ trợ thanh niên khởi nghiệp', deadline: '2027-03-31' });
      expect(draft.tasks).toContainEqual({
        agency: 'Sở Giáo dục và Đào tạo',
        text: 'Chủ trì, phối hợp với Sở Tài chính trả lời bằng văn bản câu hỏi số 7 về giáo dục của công dân, gửi người hỏi và đăng công khai',
        deadline: '2027-01-15',
      });
      expect(draft.recipients.slice(0, 3)).toEqual(['Thường trực Tỉnh ủy (b/c);', 'Thường trực HĐND tỉnh (b/c);', 'Chủ tịch, các Phó Chủ tịch UBND tỉnh;']);
      expect(draft.recipients).toContain('UBND xã Kim Phú;');
      expect(draft.recipients.filter((r) => r === 'UBND xã Hòa Bình;')).toHaveLength(1);
      expect(draft.recipients.at(-2)).toBe('Cổng Thông tin điện tử tỉnh;');
      expect(draft.recipients.at(-1)).toBe('Lưu: VT.');
      expect(draft.authority).toEqual({ mode: 'TL', of: 'CHỦ TỊCH', position: 'CHÁNH VĂN PHÒNG', name: '' });

      const body = {
        subject: null,
        assessment: 'Hội nghị diễn ra dân chủ, thẳng thắn.\nCác sở, ngành trả lời rõ.',
        tasks: [
          { agency: 'Sở Xây dựng', text: 'Khởi công nâng cấp đường liên xã Hòa Bình - Kim Phú', deadline: '2027-06-30' },
          { agency: 'Sở Xây dựng', text: 'Báo cáo tiến độ hằng quý', deadline: null },
          { agency: 'Sở Y tế', text: 'Bổ sung bác sĩ cho Trạm y tế xã Thái Long', deadline: '2027-01-31' },
        ],
        recipients: ['Thường trực Tỉnh ủy (b/c);', 'Sở Xây dựng;', 'Sở Y tế;', 'Lưu: VT, KGVX.'],
        authority: { mode: 'KT', of: 'Chủ tịch', position: 'Phó Chủ tịch', name: 'Ông Đặng Văn Minh' },
      };
      const saved = await t.app.inject({ method: 'PUT', url: `/api/sessions/${f.session.id}/conclusions`, headers: auth(f.tokens.sec), payload: body });
      expect(saved.statusCode, saved.body).toBe(200);
      const c: Conclusions = (await get('conclusions')).json();
      expect(c).toMatchObject({ saved: true, assessment: body.assessment, tasks: body.tasks, recipients: body.recipients, authority: body.authority });

      const xml = await docx('conclusions.docx');
      const text = plain(xml);
      expect(text).toContain('Kết luận của Chủ tịch UBND tỉnh tại Hội nghị đối thoại giữa Chủ tịch UBND tỉnh với thanh niên năm 2026');
      expect(text).not.toContain(`"${FULL_TITLE}"`);
      expect(text).toContain('Số:        /TB-UBND');
      expect(text).toContain('cùng 312 công dân.');
      const order = [
        '1. Đánh giá chung',
        'Hội nghị diễn ra dân chủ, thẳng thắn.',
        'Các sở, ngành trả lời rõ.',
        '2. Chủ tịch UBND tỉnh giao:',
        '2.1. Sở Xây dựng:',
        '- Khởi công nâng cấp đường liên xã Hòa Bình - Kim Phú; thời hạn hoàn thành: trước ngày 30/06/2027;',
        '- Báo cáo tiến độ hằng quý.',
        '2.2. Sở Y tế: Bổ sung bác sĩ cho Trạm y tế xã Thái Long; thời hạn hoàn thành: trước ngày 31/01/2027.',
        'Ủy ban nhân dân tỉnh Tuyên Quang thông báo để các cơ quan, đơn vị, cá nhân có liên quan biết, thực hiện./.',
      ];
      let at = -1;
      for (const piece of order) {
        const next = text.indexOf(piece, at + 1);
        expect(next, piece).toBeGreaterThan(at);
        at = next;
      }
      // Not a transcript: no citizen's question, no official's answer.
      expect(text).not.toContain('Em có hai câu hỏi');
      expect(text).not.toContain('Tuyến đường đã có trong kế hoạch');
      // Signed with its authority: the mode and whom for, the position, then the name alone.
      const sig = paragraphs(lastTable(xml)).map((p) => p.text).filter(Boolean);
      expect(sig.slice(-3)).toEqual(['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Đặng Văn Minh']);
      expect(sig.slice(0, 5)).toEqual(['Nơi nhận:', '- Thường trực Tỉnh ủy (b/c);', '- Sở Xây dựng;', '- Sở Y tế;', '- Lưu: VT, KGVX.']);
      expect(text).not.toContain('CHỦ TỌA');
      expect(text).not.toContain('(Ký, ghi rõ họ tên)');

      const html = (await get('conclusions.html')).body;
      expect(html).toContain('<h1>THÔNG BÁO</h1>');
      expect(html).toContain('<div class="role">KT. CHỦ TỊCH</div><div class="role">PHÓ CHỦ TỊCH</div>');
      expect(html).toContain('<div class="name">Đặng Văn Minh</div>');
      expect(html).toContain('- Lưu: VT, KGVX.');
    });

    it('refuses bad input with a stable code and keeps what was saved', async () => {
      const before = (await get('conclusions')).json();
      const put = (payload: unknown, token = f.tokens.sec) =>
        t.app.inject({ method: 'PUT', url: `/api/sessions/${f.session.id}/conclusions`, headers: auth(token), payload: payload as object });
      const ok = { assessment: '', tasks: [], recipients: [], authority: { mode: 'TL', of: 'CHỦ TỊCH', position: 'CHÁNH VĂN PHÒNG', name: '' } };
      for (const bad of [
        { ...ok, authority: { ...ok.authority, mode: 'XX' } },
        { ...ok, tasks: [{ agency: 'Sở Y tế', text: 'Việc', deadline: '31/01/2027' }] },
        { ...ok, tasks: [{ agency: '   ', text: 'Việc', deadline: null }] },
        { ...ok, authority: { ...ok.authority, position: '  ' } },
        { ...ok, extra: 1 },
      ]) {
        const res = await put(bad);
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
        expect(errorCode(res)).toBe('INVALID_PAYLOAD');
      }
      const moderator = await createStaff(t, 'moderator');
      expect((await put(ok, moderator.token)).statusCode).toBe(403);
      expect((await get('conclusions', moderator.token)).statusCode).toBe(403);
      expect((await get('conclusions')).json()).toEqual(before);
    });

    it('is read-only once the session is archived', async () => {
      const s = await createSession(t, 'closed', { title: 'Đối thoại lưu trữ' });
      await setStatus(t, s.id, 'archived');
      const res = await t.app.inject({
        method: 'PUT',
        url: `/api/sessions/${s.id}/conclusions`,
        headers: auth(f.tokens.sec),
        payload: { assessment: 'x', tasks: [], recipients: [], authority: { mode: 'TM', of: 'ỦY BAN NHÂN DÂN', position: 'CHỦ TỊCH', name: '' } },
      });
      expect(res.statusCode).toBe(409);
      expect(errorCode(res)).toBe('ILLEGAL_TRANSITION');
      const notes = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}/minutes-notes`, headers: auth(f.tokens.sec), payload: { attendance: 5 } });
      expect(notes.statusCode).toBe(409);
    });
  });

  it('takes the attendance and remarks from the secretary only, and checks them', async () => {
    const patch = (payload: unknown, token = f.tokens.sec) =>
      t.app.inject({ method: 'PATCH', url: `/api/sessions/${f.session.id}/minutes-notes`, headers: auth(token), payload: payload as object });
    for (const bad of [{ attendance: -1 }, { attendance: 1.5 }, {}, { attendance: '12' }]) {
      const res = await patch(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await patch({ attendance: 1 }, f.tokens.mod)).statusCode).toBe(403);
    expect((await patch({ attendance: 1 }, f.tokens.leader)).statusCode).toBe(403);
    const session = (await t.app.inject({ url: `/api/sessions/${f.session.id}`, headers: auth(f.tokens.sec) })).json();
    expect(session.attendance).toBe(312);
    expect(session.closingRemarks).toContain('2. Văn phòng UBND tỉnh theo dõi, đôn đốc.');
    expect(session.panel.map((p: { role: string }) => p.role)).toEqual(['chair', 'member', 'member', 'member', 'secretary']);
  });

  it('refuses a panel with two chairs', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: auth(t.adminToken),
      payload: {
        title: 'Hai chủ tọa',
        audience: 'Thanh niên',
        startsAt: '2026-12-15T01:30:00.000Z',
        moderation: 'pre',
        panel: [
          { name: 'A', role: 'chair' },
          { name: 'B', role: 'chair' },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('INVALID_PAYLOAD');
  });

  describe('the question lists', () => {
    it('are a workbook ready to print: title rows, repeated header, landscape fit to width, one font, date cells, tall rows', async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await get('questions.xlsx')).rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 });
      expect(ws.pageSetup.printTitlesRow).toBe(`${HEADER_ROW}:${HEADER_ROW}`);
      expect(ws.getCell('A1').value).toBe('UBND TỈNH TUYÊN QUANG');
      expect(ws.getCell('A2').value).toBe('DANH SÁCH CÂU HỎI, Ý KIẾN, KIẾN NGHỊ CỦA CÔNG DÂN');
      expect(String(ws.getCell('A3').value)).toContain(FULL_TITLE);
      expect(String(ws.getCell('A3').value)).toContain('Hội trường Trung tâm Hội nghị tỉnh');
      expect(String(ws.getCell('A4').value)).toMatch(/^Xuất ngày \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}; 15 câu hỏi\.$/);
      // One face everywhere, header included.
      ws.eachRow((row) => row.eachCell((cell) => expect(cell.font?.name, cell.address).toBe(XLSX_FONT)));
      const headers = (ws.getRow(HEADER_ROW).values as unknown[]).slice(1);
      const col = (name: string) => headers.indexOf(name) + 1;
      const rows = new Map<number, ExcelJS.Row>();
      ws.eachRow((row, n) => {
        if (n > HEADER_ROW) rows.set(Number(row.getCell(col('Số câu hỏi')).value), row);
      });
      expect([...rows.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      const sent = rows.get(1)!.getCell(col('Thời gian gửi'));
      expect(sent.type).toBe(ExcelJS.ValueType.Date);
      expect(sent.numFmt).toBe('dd/mm/yyyy hh:mm');
      const deadline = rows.get(7)!.getCell(col('Hạn trả lời'));
      expect(deadline.type).toBe(ExcelJS.ValueType.Date);
      expect(deadline.value).toEqual(new Date(Date.UTC(2027, 0, 15)));
      expect(deadline.numFmt).toBe('dd/mm/yyyy');
      expect(rows.get(7)!.getCell(col('Mã tra cứu')).value).toBe(f.q.fees.trackingCode);
      expect(rows.get(7)!.getCell(col('Cơ quan phối hợp')).value).toBe('Sở Tài chính');
      expect(rows.get(3)!.getCell(col('Gộp vào câu hỏi số')).value).toBe(1);
      // A three-line question gets a row three lines tall; a short one, one line.
      expect(rows.get(1)!.height).toBeGreaterThanOrEqual(3 * 15);
      expect(rows.get(4)!.height).toBeLessThan(2 * 15);
      expect(rows.get(1)!.getCell(col('Nội dung câu hỏi')).alignment).toMatchObject({ wrapText: true, vertical: 'top' });

      // The second sheet is the list to print: fewer columns, the same setup, legible on A4 landscape.
      const print = wb.getWorksheet('Bản in')!;
      expect(print.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
      expect(print.pageSetup.printTitlesRow).toBe(`${HEADER_ROW}:${HEADER_ROW}`);
      const widths = print.columns.reduce((n, c) => n + (c.width ?? 0), 0);
      expect(widths).toBeLessThanOrEqual(170);
      expect((print.getRow(HEADER_ROW).values as unknown[]).slice(1)).toEqual([
        'Số',
        'Người hỏi',
        'Nội dung câu hỏi',
        'Kết quả',
        'Trả lời tại hội nghị, cam kết',
        'Trả lời bằng văn bản: cơ quan, hạn',
        'Mã tra cứu',
      ]);
      expect(print.getRow(HEADER_ROW + 3).getCell(4).value).toBe('Đã gộp vào câu hỏi số 1');
      // The outcome the minutes count, not the bare status: question 13 was approved and never reached.
      expect(print.getRow(HEADER_ROW + 13).getCell(4).value).toBe('Chưa được trả lời tại hội nghị');
      expect(print.getRow(HEADER_ROW + 11).getCell(4).value).toBe('Đã trả lời trực tiếp');
      print.eachRow((row) => row.eachCell((cell) => expect(cell.font?.name, cell.address).toBe(XLSX_FONT)));
    });

    it('carry the tracking code and the number in the session in the CSV too', async () => {
      const csv = (await get('questions.csv')).rawPayload.subarray(3).toString('utf8');
      const [header, ...lines] = csv.trimEnd().split('\r\n');
      expect(header!.startsWith('Số câu hỏi,Mã tra cứu,')).toBe(true);
      for (const [n, q] of [
        [1, f.q.homework],
        [7, f.q.fees],
        [15, f.q.pending],
      ] as const) {
        expect(lines.some((l) => l.startsWith(`${n},${q.trackingCode},${q.id},`)), String(n)).toBe(true);
      }
    });
  });
});

describe('configuration', () => {
  it('reads the issuing body abbreviation from ORG_ABBREVIATION, UBND by default', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/langnghe-config-test' }).orgAbbreviation).toBe('UBND');
    expect(loadConfig({ DATA_DIR: '/tmp/langnghe-config-test', ORG_ABBREVIATION: ' VPUBND ' }).orgAbbreviation).toBe('VPUBND');
  });
});
