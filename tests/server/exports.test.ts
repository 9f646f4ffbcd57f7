import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createSession, createStaff, createTestApp, dbRows, errorCode, type TestApp } from '../helpers/app';
import { CONTACTS, runSession, type SecretariatFixture } from '../helpers/secretariat';
import { HEADER_ROW } from '../../server/export/questions.xlsx';

/** "ngày 05 tháng 12 năm 2026" for an instant, in Vietnam; months 1 and 2 keep their zero (Decree 30). */
function vnDateLine(iso: string): string {
  const [d, m, y] = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' })
    .format(new Date(iso))
    .split('/');
  return `ngày ${d} tháng ${Number(m) > 2 ? Number(m) : m} năm ${y}`;
}

/** The plain text of a Word document, paragraph by paragraph. */
function docxText(xml: string): string {
  return xml
    .replace(/<w:p[ >][\s\S]*?<\/w:p>/g, (p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('') + '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');
}

describe('secretariat exports', () => {
  let t: TestApp;
  let f: SecretariatFixture;
  beforeAll(async () => {
    t = await createTestApp({ ORG_NAME: 'UBND TỈNH TUYÊN QUANG' });
    f = await runSession(t);
  });
  afterAll(() => t.close());

  const get = (url: string, token?: string) => t.app.inject({ url, headers: token ? auth(token) : {} });

  it('lets only secretaries and admins export', async () => {
    const moderator = await createStaff(t, 'moderator');
    const leader = await createStaff(t, 'leader');
    for (const file of ['minutes.docx', 'minutes.html', 'conclusions.docx', 'conclusions.html', 'questions.csv', 'questions.xlsx']) {
      const url = `/api/sessions/${f.session.id}/${file}`;
      expect((await get(url)).statusCode, `${file} anonymous`).toBe(401);
      expect(errorCode(await get(url))).toBe('UNAUTHORIZED');
      expect((await get(url, moderator.token)).statusCode, `${file} moderator`).toBe(403);
      expect((await get(url, leader.token)).statusCode, `${file} leader`).toBe(403);
      expect((await get(url, f.tokens.sec)).statusCode, `${file} secretary`).toBe(200);
      expect((await get(url, t.adminToken)).statusCode, `${file} admin`).toBe(200);
    }
    expect((await get('/api/sessions/99999/minutes.docx', f.tokens.sec)).statusCode).toBe(404);
  });

  it('refuses participants, even of the session', async () => {
    // Joining a closed session is refused: sign the token Alice got when she joined.
    const token = t.app.tokens.signParticipant(f.participants.alice, f.session.id);
    for (const file of ['minutes.docx', 'questions.csv']) {
      expect((await get(`/api/sessions/${f.session.id}/${file}`, token)).statusCode).toBe(403);
    }
  });

  it('writes the minutes in the Decree 30 layout, with questions and answers in the order of the session', async () => {
    const res = await get(`/api/sessions/${f.session.id}/minutes.docx`, f.tokens.sec);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const cd = String(res.headers['content-disposition']);
    expect(cd).toMatch(/^attachment; filename="Bien-ban-Doi-thoai-voi-thanh-nien-xa-Hoa-Binh-nam-2026\.docx"; filename\*=UTF-8''/);
    expect(decodeURIComponent(cd.split("UTF-8''")[1]!)).toBe('Biên bản - Đối thoại với thanh niên xã Hòa Bình năm 2026.docx');

    const zip = await JSZip.loadAsync(res.rawPayload);
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = docxText(xml);

    // Page: A4 portrait, margins top/bottom 20 mm, left 30 mm, right 20 mm (in twips).
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const margin = /<w:pgMar ([^>]*)\/>/.exec(xml)![1]!;
    const twips = (k: string) => Number(new RegExp(`w:${k}="(\\d+)"`).exec(margin)![1]);
    const mm = (v: number) => v / 56.6929;
    expect(mm(twips('top'))).toBeGreaterThanOrEqual(19.9);
    expect(mm(twips('top'))).toBeLessThanOrEqual(25.1);
    expect(mm(twips('bottom'))).toBeGreaterThanOrEqual(19.9);
    expect(mm(twips('bottom'))).toBeLessThanOrEqual(25.1);
    expect(mm(twips('left'))).toBeGreaterThanOrEqual(29.9);
    expect(mm(twips('left'))).toBeLessThanOrEqual(35.1);
    expect(mm(twips('right'))).toBeGreaterThanOrEqual(14.9);
    expect(mm(twips('right'))).toBeLessThanOrEqual(20.1);
    // Page numbers from page 2: a different first-page header, a PAGE field in the default one.
    expect(xml).toContain('<w:titlePg');
    const headers = await Promise.all(Object.keys(zip.files).filter((n) => /^word\/header\d+\.xml$/.test(n)).map((n) => zip.file(n)!.async('string')));
    expect(headers.some((h) => /PAGE/.test(h))).toBe(true);

    // Font: Times New Roman, body at 13–14 pt.
    const styles = await zip.file('word/styles.xml')!.async('string');
    expect(styles + xml).toContain('w:ascii="Times New Roman"');
    expect(styles).toContain('w:val="vi-VN"');
    expect(xml).not.toMatch(/w:ascii="(?!Times New Roman)/);
    const sizes = [...xml.matchAll(/<w:sz w:val="(\d+)"/g)].map((m) => Number(m[1]) / 2);
    const bodySize = sizes.sort((a, b) => sizes.filter((x) => x === b).length - sizes.filter((x) => x === a).length)[0]!;
    expect(bodySize).toBeGreaterThanOrEqual(13);
    expect(bodySize).toBeLessThanOrEqual(14);

    // Header texts, title and subject, with every Vietnamese letter intact.
    // The agency in full, as Decree 30 writes it: "UBND" spelled out.
    expect(text).toContain('ỦY BAN NHÂN DÂN\nTỈNH TUYÊN QUANG\n');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    // Dated the day the session was held, in Vietnam time.
    const placeDate = `Tuyên Quang, ${vnDateLine(f.session.startedAt!)}`;
    expect(text).toContain(placeDate);
    expect(text).toMatch(/^BIÊN BẢN$/m);
    expect(text).toContain('Đối thoại với thanh niên xã Hòa Bình năm 2026');
    // National title in bold capitals, motto bold, place and date in italics.
    const runOf = (s: string) => new RegExp(`<w:r>(?:(?!</w:r>).)*?<w:t(?: [^>]*)?>${s}</w:t>`, 's').exec(xml)?.[0] ?? '';
    expect(runOf('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).toContain('<w:b/>');
    expect(runOf('Độc lập - Tự do - Hạnh phúc')).toContain('<w:b/>');
    expect(runOf(placeDate)).toContain('<w:i/>');
    expect(runOf('BIÊN BẢN')).toContain('<w:b/>');

    // The parts of template 1.9, in order.
    const order = [
      'Thời gian bắt đầu:',
      'Địa điểm: Hội trường UBND xã Hòa Bình',
      'Thành phần tham dự:',
      'Ông Trần Quốc Việt, Giám đốc, Sở Nông nghiệp và Môi trường',
      // The people in the hall were not entered: a blank to fill; the phones are another figure.
      'Công dân tham dự: … người; 4 người tham gia qua ứng dụng (thanh niên: 2',
      // The chair named in the free-text field is the panel's seat of that name, with its title.
      'Chủ trì (chủ tọa): Đồng chí Nguyễn Văn Hùng, Phó Chủ tịch UBND tỉnh, UBND tỉnh Tuyên Quang.',
      'Thư ký (người ghi biên bản): Bà Lê Thị Thu Hà',
      'Nội dung (theo diễn biến hội nghị):',
      'Tổng số câu hỏi, ý kiến nhận được: 6; trong đó trả lời trực tiếp tại hội nghị: 2; chuyển trả lời bằng văn bản: 1; không tiếp nhận: 1 (trùng lặp: 1); gộp vào câu hỏi cùng nội dung: 1 (số 5 gộp vào số 1); chưa được xem xét: 1.',
      // Bob's question was taken up first; every question keeps its number in the session.
      'Câu hỏi số 2. Người hỏi: Trần Văn Bình (Xã Hòa Bình); nhóm: Nông dân.',
      'Khi nào đường liên xã Hòa Bình – Kim Phú được sửa chữa, nâng cấp?',
      'Trả lời (Ông Trần Quốc Việt, Giám đốc): Tuyến đường đã có trong kế hoạch đầu tư công năm 2027.',
      'Câu hỏi số 1. Người hỏi: Nguyễn Thị Lan (Phường Minh Xuân); nhóm: Thanh niên. Câu hỏi này gộp cả câu hỏi số 5 cùng nội dung.',
      'Tỉnh có chính sách gì hỗ trợ thanh niên khởi nghiệp nông nghiệp công nghệ cao?',
      'Trả lời (Đồng chí Nguyễn Văn Hùng, Phó Chủ tịch UBND tỉnh): Tỉnh hỗ trợ lãi suất vay và đất thuê cho dự án của thanh niên.',
      'Ban hành hướng dẫn hỗ trợ khởi nghiệp (Sở Nông nghiệp và Môi trường, thời hạn 31/03/2027)',
      'Các câu hỏi chuyển trả lời bằng văn bản:',
      'Câu hỏi số 3. Ẩn danh: =HYPERLINK("http://x") Học phí năm học mới có tăng không, thưa lãnh đạo? Cơ quan chủ trì trả lời: Sở Giáo dục và Đào tạo; thời hạn: 15/01/2027.',
      'Ý kiến kết luận của chủ tọa:',
      'Biên bản đã được đọc lại cho các thành viên tham dự hội nghị cùng nghe và nhất trí thông qua.',
      'Hội nghị kết thúc vào',
      // Under a signature, the name alone.
      'THƯ KÝ',
      '\nLê Thị Thu Hà\n',
      'CHỦ TỌA',
      '\nNguyễn Văn Hùng\n',
      'Nơi nhận:',
    ];
    let at = -1;
    for (const piece of order) {
      const next = text.indexOf(piece, at + 1);
      expect(next, `"${piece}" after position ${at}`).toBeGreaterThan(at);
      at = next;
    }
    // The closing time written as the opening time is.
    expect(text).toMatch(/Hội nghị kết thúc vào \d{1,2} giờ \d{2} phút, ngày \d{2} tháng \d{1,2} năm 20\d{2}\.\/\./);
    expect(text).toMatch(/^Thời gian bắt đầu: \d{1,2} giờ \d{2} phút, ngày/m);
    // The document number carries the issuing body's abbreviation.
    expect(text).toContain('Số:        /BB-UBND');
    // The anonymous asker stays anonymous; rejected, merged and pending questions are not "content".
    expect(text).not.toContain('Phạm Thị Cúc');
    expect(text).not.toContain('Đường liên xã bao giờ sửa?');
    expect(text).not.toContain('-5% thuế');
    for (const c of CONTACTS) expect(xml).not.toContain(c);
  });

  it('prints the same minutes as HTML, with user text escaped', async () => {
    const res = await get(`/api/sessions/${f.session.id}/minutes.html`, f.tokens.sec);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).toContain('@page { size: A4 portrait');
    expect(html).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(html).toContain('<h1>BIÊN BẢN</h1>');
    expect(html).toContain('=HYPERLINK(&quot;http://x&quot;)');
    expect(html).not.toContain('"http://x"');
    expect(html.indexOf('Trần Văn Bình')).toBeLessThan(html.indexOf('Nguyễn Thị Lan (Phường Minh Xuân)'));
    expect(html).not.toMatch(/<script/i);
    for (const c of CONTACTS) expect(html).not.toContain(c);
  });

  it('drafts the conclusion notice from the commitments and the deferrals while nothing is saved', async () => {
    const res = await get(`/api/sessions/${f.session.id}/conclusions.docx`, f.tokens.sec);
    expect(res.statusCode).toBe(200);
    const xml = await (await JSZip.loadAsync(res.rawPayload)).file('word/document.xml')!.async('string');
    const text = docxText(xml);
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(text).toMatch(/^THÔNG BÁO$/m);
    expect(text).toContain('Số:        /TB-UBND');
    // The chair's title, "Hội nghị" once, no quotes.
    expect(text).toContain('Kết luận của Phó Chủ tịch UBND tỉnh tại Hội nghị đối thoại với thanh niên xã Hòa Bình năm 2026\n');
    expect(text).toContain('2.1. Sở Nông nghiệp và Môi trường: Ban hành hướng dẫn hỗ trợ khởi nghiệp; thời hạn hoàn thành: trước ngày 31/03/2027.');
    expect(text).toContain('2.2. Sở Giáo dục và Đào tạo: Chủ trì trả lời bằng văn bản câu hỏi số 3 về giáo dục của công dân');
    expect(text).toContain('thời hạn hoàn thành: trước ngày 15/01/2027.');
    // Not a transcript: no citizen's question or official's answer pasted in.
    expect(text).not.toContain('Học phí năm học mới');
    expect(text).not.toContain('Tỉnh hỗ trợ lãi suất vay');
    // Signed by the office on the chair's behalf until the secretariat chooses otherwise.
    expect(text).toContain('TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\n');
    expect(text).not.toContain('(Ký, ghi rõ họ tên)');
    expect(text).toContain('Ủy ban nhân dân tỉnh Tuyên Quang thông báo để các cơ quan, đơn vị, cá nhân có liên quan biết, thực hiện./.');
    for (const c of CONTACTS) expect(xml).not.toContain(c);
  });

  it('exports the question list as CSV with a BOM and formula cells neutralised', async () => {
    const res = await get(`/api/sessions/${f.session.id}/questions.csv`, f.tokens.sec);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString('utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Số câu hỏi,Mã tra cứu,Mã câu hỏi,Thời gian gửi,Trạng thái,Lý do không tiếp nhận,Người hỏi,Địa phương,Nhóm,Chủ đề,Nội dung câu hỏi,Nội dung gốc (trước khi biên tập),Lượt ủng hộ,Gộp vào câu hỏi số,Giao cho,Trả lời trực tiếp,Trả lời bằng văn bản,Cam kết,Cơ quan chủ trì trả lời bằng văn bản,Cơ quan phối hợp,Hạn trả lời,Tình trạng theo dõi,Nguồn câu hỏi,Điểm cầu',
    );
    // The tracking code and the number in the session link a row to the minutes and to what the citizen holds.
    expect(lines.find((l) => l.startsWith(`3,${f.q.fees.trackingCode},${f.q.fees.id},`))).toBeDefined();
    expect(csv).toContain(',15/01/2027,');
    // The formula-like question is text, quoted per RFC 4180 (it holds quotes and a comma).
    expect(csv).toContain(`"'=HYPERLINK(""http://x"") Học phí năm học mới có tăng không, thưa lãnh đạo?"`);
    expect(csv).toContain(`'-5% thuế cho hộ kinh doanh có được không?`);
    expect(csv).not.toMatch(/(^|,)[=+@-]/m);
    expect(csv).toContain('Trần Văn Bình (Xã Hòa Bình)');
    expect(csv).toContain('Ẩn danh');
    expect(csv).toContain('Chuyển trả lời bằng văn bản');
    expect(csv).toContain('Sở Giáo dục và Đào tạo');
    expect(csv).not.toContain('Phạm Thị Cúc');
    for (const c of CONTACTS) expect(csv).not.toContain(c);
  });

  it('exports the question list as a workbook with one row per question', async () => {
    const res = await get(`/api/sessions/${f.session.id}/questions.xlsx`, f.tokens.sec);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(HEADER_ROW + 6);
    expect(ws.getRow(HEADER_ROW).getCell(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: HEADER_ROW });
    const headers = (ws.getRow(HEADER_ROW).values as unknown[]).slice(1);
    const col = (name: string) => headers.indexOf(name) + 1;
    const byId = new Map<number, ExcelJS.Row>();
    ws.eachRow((row, n) => {
      if (n > HEADER_ROW) byId.set(Number(row.getCell(col('Mã câu hỏi')).value), row);
    });
    expect([...byId.keys()].sort((a, b) => a - b)).toEqual(Object.values(f.q).map((q) => q.id).sort((a, b) => a - b));
    const fees = byId.get(f.q.fees.id)!.getCell(col('Nội dung câu hỏi'));
    expect(fees.type).toBe(ExcelJS.ValueType.String);
    expect(fees.formula).toBeUndefined();
    expect(String(fees.value)).toContain('HYPERLINK');
    expect(byId.get(f.q.startup.id)!.getCell(col('Cam kết')).value).toContain('Ban hành hướng dẫn hỗ trợ khởi nghiệp – Sở Nông nghiệp và Môi trường, hạn 31/03/2027');
    expect(byId.get(f.q.rejected.id)!.getCell(col('Lý do không tiếp nhận')).value).toBe('Trùng lặp');
    expect(byId.get(f.q.fees.id)!.getCell(col('Hạn trả lời')).value).toEqual(new Date(Date.UTC(2027, 0, 15)));
    expect(byId.get(f.q.fees.id)!.getCell(col('Mã tra cứu')).value).toBe(f.q.fees.trackingCode);
    const all = JSON.stringify(ws.getSheetValues());
    for (const c of CONTACTS) expect(all).not.toContain(c);
  });

  it('records every export in the audit log', async () => {
    const rows = await dbRows<{ after: string }>(t, "SELECT after FROM audit_log WHERE action = 'export.download' AND session_id = ?", f.session.id);
    const kinds = new Set(rows.map((r) => JSON.parse(r.after).kind));
    expect(kinds).toEqual(new Set(['minutes.docx', 'minutes.html', 'conclusions.docx', 'conclusions.html', 'questions.csv', 'questions.xlsx']));
  });

  it('documents every secretariat route in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json();
    const expected: [string, string][] = [
      ['/api/sessions/{id}/minutes.docx', 'get'],
      ['/api/sessions/{id}/minutes.html', 'get'],
      ['/api/sessions/{id}/conclusions.docx', 'get'],
      ['/api/sessions/{id}/conclusions.html', 'get'],
      ['/api/sessions/{id}/conclusions', 'get'],
      ['/api/sessions/{id}/conclusions', 'put'],
      ['/api/sessions/{id}/minutes-notes', 'patch'],
      ['/api/sessions/{id}/questions.csv', 'get'],
      ['/api/sessions/{id}/questions.xlsx', 'get'],
      ['/api/sessions/{id}/stats', 'get'],
      ['/api/followups', 'get'],
      ['/api/followups/{id}', 'get'],
      ['/api/followups/{id}', 'patch'],
      ['/api/followups/{id}/publish', 'post'],
      ['/api/track/{trackingCode}', 'get'],
      ['/api/public/sessions', 'get'],
      ['/api/public/sessions/{id}', 'get'],
    ];
    for (const [path, method] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.summary).toBeTruthy();
      expect(op.tags.length).toBeGreaterThan(0);
    }
    expect(Object.keys(doc.paths['/api/sessions/{id}/minutes.docx'].get.responses['200'].content)).toEqual([
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ]);
  });

  it('still makes minutes of a bare session not yet closed, with blanks to fill by hand and markup escaped', async () => {
    const bare = await createSession(t, 'live', { title: 'Đối thoại <script>alert(1)</script> & "trích dẫn"' });
    const docx = await get(`/api/sessions/${bare.id}/minutes.docx`, f.tokens.sec);
    expect(docx.statusCode).toBe(200);
    const text = docxText(await (await JSZip.loadAsync(docx.rawPayload)).file('word/document.xml')!.async('string'));
    expect(text).toContain('Đối thoại <script>alert(1)</script> & "trích dẫn"');
    expect(text).toContain('Địa điểm: …');
    expect(text).toContain('Công dân tham dự: … người.');
    expect(text).toContain('Chủ trì (chủ tọa): …');
    expect(text).toContain('Không có câu hỏi nào được trả lời trực tiếp tại hội nghị.');
    expect(text).toContain('Hội nghị kết thúc vào … giờ … phút, ngày … tháng … năm …./.');
    const html = (await get(`/api/sessions/${bare.id}/minutes.html`, f.tokens.sec)).body;
    expect(html).toContain('Đối thoại &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;trích dẫn&quot;');
    expect(html).not.toContain('<script>');
    const csv = (await get(`/api/sessions/${bare.id}/questions.csv`, f.tokens.sec)).rawPayload.toString('utf8');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(1);
  });
});
