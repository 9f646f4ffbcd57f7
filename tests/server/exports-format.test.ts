import { describe, expect, it } from 'vitest';
import { placeNameFrom } from '../../server/domain/reports/place-name';
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
    expect(closingLine('2026-12-15T04:20:00Z')).toBe('Hội nghị kết thúc vào 11 giờ 20, ngày 15 tháng 12 năm 2026./.');
    expect(closingLine(null)).toBe('Hội nghị kết thúc vào … giờ …, ngày … tháng … năm …./.');
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
