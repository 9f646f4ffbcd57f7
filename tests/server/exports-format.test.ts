import { describe, expect, it } from 'vitest';
import { distinctAgencies } from '../../server/domain/agencies';
import { placeNameFrom } from '../../server/domain/reports/place-name';
import { signatureName } from '../../server/export/format';
import { median, normalizeTrackingCode } from '../../server/domain/reports/reports.service';
import { asciiFallback, contentDisposition, exportFileName } from '../../server/export/filename';
import { orgHeaderLines, orgInText, vnDateWords, vnParts, vnTimeDate } from '../../server/export/format';
import { escapeHtml } from '../../server/export/official-html';
import { closingLine } from '../../server/export/minutes-content';
import { csvField, neutralise } from '../../server/export/questions.csv';

describe('export formatting', () => {
  it('neutralises every formula start and quotes per RFC 4180', () => {
    for (const s of ['=1+1', '+84912', '-5%', '@SUM(A1)', '\tTAB', '\rCR']) expect(neutralise(s)).toBe(`'${s}`);
    expect(neutralise('Học phí = 0?')).toBe('Học phí = 0?');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('nói "không"')).toBe('"nói ""không"""');
    expect(csvField('dòng 1\ndòng 2')).toBe('"dòng 1\ndòng 2"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(42)).toBe('42');
  });

  it('neutralises a formula start after any separator, so no reader splitting on , ; tab or a line break finds a formula', () => {
    // Excel with Vietnamese regional settings splits on ';'.
    expect(csvField('x;=1+1')).toBe(`"x;'=1+1"`);
    expect(csvField(`x;=cmd|' /C calc'!A0`)).toBe(`"x;'=cmd|' /C calc'!A0"`);
    expect(csvField('a, +84912')).toBe(`"a, '+84912"`);
    // A tab never leaves in a cell (it becomes a space), so it cannot split one.
    expect(csvField('a\t@SUM(A1)')).toBe('a @SUM(A1)');
    expect(csvField('dòng 1\n-2+3')).toBe(`"dòng 1\n'-2+3"`);
    expect(csvField('Học phí = 0; tăng 5%?')).toBe('"Học phí = 0; tăng 5%?"');
    for (const [sep, rowSep] of [[';', '\r\n'], [',', '\r\n'], ['\t', '\r\n']] as const) {
      // Split the whole line as a careless reader would (quotes ignored): no piece starts a formula.
      const line = ['1', csvField('x;=1+1'), csvField('y,=2+2'), csvField('z\t=3'), csvField('w\n=4')].join(',');
      for (const cell of line.split(rowSep).join('\n').split(/\n/).flatMap((r) => r.split(sep))) {
        expect(cell.replace(/^[\s"]+/, ''), `${JSON.stringify(sep)} ${cell}`).not.toMatch(/^[=+\-@]/);
      }
    }
  });

  it('never writes a control character into a CSV cell', () => {
    const out = csvField('a\u0000b\u0007c\u001bd\u0085e\u009ff\tg\r\nh\u2028i');
    expect(out).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029]/);
    expect(out).toBe('"a b c d e f g\nh i"');
  });

  it('gives a Vietnamese file name with an ASCII fallback', () => {
    const name = exportFileName('Biên bản', 'Đối thoại: "Đường" / Hòa Bình', 'docx');
    expect(name).toBe('Biên bản - Đối thoại Đường Hòa Bình.docx');
    const cd = contentDisposition('Biên bản - Đường Hòa Bình.docx');
    expect(cd).toBe(`attachment; filename="Bien-ban-Duong-Hoa-Binh.docx"; filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20-%20%C4%90%C6%B0%E1%BB%9Dng%20H%C3%B2a%20B%C3%ACnh.docx`);
    expect(asciiFallback('Danh sách câu hỏi - Đối thoại.csv')).toBe('Danh-sach-cau-hoi-Doi-thoai.csv');
    // Nothing that could break out of the quoted parameter.
    expect(asciiFallback('a"b\\c;d\r\n.txt')).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('writes dates the Decree 30 way, in Vietnam time', () => {
    // 17:30 UTC on 31 Dec is already 1 January in Vietnam.
    expect(vnParts('2026-12-31T17:30:00Z')).toMatchObject({ year: 2027, month: 1, day: 1, hour: 0, minute: 30 });
    expect(vnDateWords({ day: 5, month: 1, year: 2027 })).toBe('ngày 05 tháng 01 năm 2027');
    expect(vnDateWords({ day: 15, month: 12, year: 2026 })).toBe('ngày 15 tháng 12 năm 2026');
    expect(vnDateWords({ day: 9, month: 3, year: 2026 })).toBe('ngày 09 tháng 3 năm 2026');
    expect(vnTimeDate('2026-12-15T01:35:00Z')).toBe('8 giờ 35 phút, ngày 15 tháng 12 năm 2026');
    expect(closingLine('2026-12-15T04:20:00Z')).toBe('Hội nghị kết thúc vào 11 giờ 20 phút, ngày 15 tháng 12 năm 2026./.');
    expect(closingLine(null)).toBe('Hội nghị kết thúc vào … giờ … phút, ngày … tháng … năm …./.');
  });

  it('names the agency and its place in full', () => {
    expect(placeNameFrom('UBND TỈNH TUYÊN QUANG')).toBe('Tuyên Quang');
    expect(placeNameFrom('ỦY BAN NHÂN DÂN XÃ HÒA BÌNH')).toBe('Hòa Bình');
    expect(orgHeaderLines('UBND TỈNH TUYÊN QUANG')).toEqual(['ỦY BAN NHÂN DÂN', 'TỈNH TUYÊN QUANG']);
    expect(orgHeaderLines('Sở Tư pháp')).toEqual(['SỞ TƯ PHÁP']);
    expect(orgHeaderLines('UBND TỈNH TUYÊN QUANG\nVĂN PHÒNG')).toEqual(['UBND TỈNH TUYÊN QUANG', 'VĂN PHÒNG']);
    expect(orgInText('UBND TỈNH TUYÊN QUANG')).toBe('Ủy ban nhân dân tỉnh Tuyên Quang');
    expect(orgInText('UBND THÀNH PHỐ HÀ NỘI')).toBe('Ủy ban nhân dân thành phố Hà Nội');
  });

  it('counts a body once however it is typed, and signs with the name alone', () => {
    expect(distinctAgencies(['Sở A; Công ty B', 'sở a', ' Công  ty B ', '', 'Sở C'], ['Sở C'])).toEqual(['Sở A', 'Công ty B']);
    expect(signatureName({ name: 'Bà Lê Thị Hạnh, Phó Chánh Văn phòng UBND tỉnh' })).toBe('Lê Thị Hạnh');
    expect(signatureName({ name: 'Đồng chí Nguyễn Văn Hùng' })).toBe('Nguyễn Văn Hùng');
    expect(signatureName({ name: 'Ông Vũ Đình Hưng' })).toBe('Vũ Đình Hưng');
    expect(signatureName(null)).toBeNull();
  });

  it('escapes user text for HTML', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });

  it('reads tracking codes as people type them, and takes medians', () => {
    expect(normalizeTrackingCode(' abcde-fghij ')).toBe('ABCDEFGHIJ');
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
