import { describe, expect, it } from 'vitest';
import { cleanLine, cleanMultiline } from '../../shared/text';

describe('text hygiene', () => {
  it('strips bidi overrides and isolates, zero-width and control characters, and keeps Vietnamese', () => {
    expect(cleanLine('Chủ tịch UBND\u200b\u202e LIAM')).toBe('Chủ tịch UBND LIAM');
    expect(cleanLine('\u2066Nguyễn\u2069 \u200dVăn\u200c A\u00ad\ufeff')).toBe('Nguyễn Văn A');
    expect(cleanLine('Xã\u0000 Hòa\u0007\u001b Bình\u0085\u009f')).toBe('Xã Hòa Bình');
    expect(cleanLine('Trần\u200e\u200f\u061c Thị  Bích\nNgọc\tÁnh')).toBe('Trần Thị Bích Ngọc Ánh');
    // Every Vietnamese letter with every tone survives unchanged.
    const vi = 'ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ';
    expect(cleanLine(vi)).toBe(vi);
    expect(cleanLine(vi.toLowerCase())).toBe(vi.toLowerCase());
  });

  it('composes to NFC, so a decomposed name is stored as people see it', () => {
    const decomposed = 'Nguyê\u0303n'.normalize('NFD');
    expect(cleanLine(decomposed)).toBe('Nguyễn');
    expect([...cleanLine(decomposed)]).toHaveLength(6);
  });

  it('keeps line breaks in multi-line text only, as \\n', () => {
    expect(cleanMultiline('Dòng 1\r\nDòng 2\rDòng 3\u2028Dòng 4\u202e')).toBe('Dòng 1\nDòng 2\nDòng 3\nDòng 4');
    expect(cleanMultiline('a  \n\n\n\n b')).toBe('a\n\n b');
    expect(cleanLine('a\r\nb')).toBe('a b');
    expect(cleanLine('\u200b\u202e')).toBe('');
  });
});

describe('text hygiene on the real server', () => {
  it('takes NUL characters out of what reaches a query (PostgreSQL refuses them in text): a code with one is looked up without it', async () => {
    const { createTestApp, createSession, errorCode } = await import('../helpers/app');
    const t = await createTestApp();
    try {
      const s = await createSession(t, 'open');
      const withNul = `${s.code.slice(0, 2)}\u0000${s.code.slice(2)}`;
      const page = await t.app.inject({ url: `/api/join/${encodeURIComponent(withNul)}` });
      expect(page.statusCode).toBe(200);
      const joined = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: withNul, displayName: 'Nguyễn\u0000 Văn Hùng' } });
      expect(joined.statusCode).toBe(200);
      expect(joined.json().participant.displayName).toBe('Nguyễn Văn Hùng');
      const nothing = await t.app.inject({ url: '/api/join/%00' });
      expect(nothing.statusCode).toBeLessThan(500);
      expect(errorCode(nothing)).toBeTruthy();
    } finally {
      await t.close();
    }
  });

  it('stores names, localities, questions and moderator edits without bidi, zero-width or control characters', async () => {
    const { createTestApp, createSession, joinSession, auth, dbRow, dbRows } = await import('../helpers/app');
    const t = await createTestApp();
    try {
      const s = await createSession(t, 'live', { moderation: 'pre' });
      const p = await joinSession(t, s.code, { displayName: 'Chủ tịch UBND\u200b\u202e LIAM', locality: 'Xã\u2066 Hòa\u0007 Bình\u200d', contact: '0912\u200b345\u202e678' });
      const row = await dbRow(t, 'select display_name, locality, contact from participants where id = ?', p.participantId);
      expect(row).toEqual({ display_name: 'Chủ tịch UBND LIAM', locality: 'Xã Hòa Bình', contact: '0912345678' });
      const q = await t.app.inject({
        method: 'POST',
        url: `/api/sessions/${s.id}/questions`,
        headers: auth(p.token),
        payload: { text: 'Đường\u202e liên thôn\u200b khi nào sửa?\r\nXin cảm ơn\u0000' },
      });
      expect(q.statusCode).toBe(200);
      expect(q.json().text).toBe('Đường liên thôn khi nào sửa?\nXin cảm ơn');
      // Nothing visible left: refused as empty, nothing stored.
      const empty = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: '\u200b\u202e\u2066' } });
      expect([empty.statusCode, empty.json().error.code]).toEqual([400, 'QUESTION_EMPTY']);
      const edit = await t.app.inject({
        method: 'POST',
        url: `/api/questions/${q.json().id}/moderate`,
        headers: auth(t.adminToken),
        payload: { action: 'edit', text: 'Khi nào\u200b sửa đường\u202e liên thôn?' },
      });
      expect(edit.json().text).toBe('Khi nào sửa đường liên thôn?');
      const stored = await dbRows(t, 'select text from questions');
      expect(JSON.stringify(stored)).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u0000-\u0009\u000b-\u001f]/);
    } finally {
      await t.close();
    }
  });
});

describe('answers on the real server', () => {
  it('stores answers and their commitments without bidi, zero-width or control characters, in NFC', async () => {
    const { createTestApp, createSession, joinSession, auth, dbRows } = await import('../helpers/app');
    const t = await createTestApp();
    try {
      const s = await createSession(t, 'live', { moderation: 'post', panel: [{ name: 'Bà Lò Thị Mai', title: 'Phó Chủ tịch UBND huyện' }] });
      const p = await joinSession(t, s.code);
      const q = (await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: 'Khi nào có trường mầm non ở bản?' } })).json() as { id: number };
      await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/moderate`, headers: auth(t.adminToken), payload: { action: 'stage' } });
      const answered = await t.app.inject({
        method: 'POST',
        url: `/api/questions/${q.id}/answers`,
        headers: auth(t.adminToken),
        payload: {
          kind: 'live',
          panelSeatId: s.panel[0]!.id,
          text: 'Năm\u200b sau\u202e huyện\u0007 xây\r\nXin cảm ơn\u2066 bà con\u0000',
          commitments: [{ text: 'Xây\u200d trường\u202e mầm non', agency: 'Phòng\u200b Giáo dục\u202e huyện', deadline: '2027-09-01' }],
        },
      });
      expect(answered.statusCode).toBe(200);
      const rows = (await dbRows(t, 'select text from answers')) as { text: string }[];
      expect(rows.map((r) => r.text)).toEqual(['Năm sau huyện xây\nXin cảm ơn bà con']);
      const commitments = await dbRows(t, 'select text, agency from commitments');
      expect(commitments).toEqual([{ text: 'Xây trường mầm non', agency: 'Phòng Giáo dục huyện' }]);
      // A decomposed answer is stored composed.
      const decomposed = 'Nguyễn Văn A trả lời: đường sẽ được sửa'.normalize('NFD');
      await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/answers`, headers: auth(t.adminToken), payload: { kind: 'live', panelSeatId: s.panel[0]!.id, text: decomposed } });
      const all = (await dbRows(t, 'select text from answers order by id')) as { text: string }[];
      expect(all[1]!.text).toBe(decomposed.normalize('NFC'));
    } finally {
      await t.close();
    }
  });
});

describe('question lists on the real server', () => {
  it('exports `x;=1+1` so that no formula appears under ; splitting, and a personal_data rejection without its text', async () => {
    const { createTestApp, createSession, joinSession, auth } = await import('../helpers/app');
    const ExcelJS = (await import('exceljs')).default;
    const t = await createTestApp();
    try {
      const s = await createSession(t, 'live', { moderation: 'pre' });
      const p = await joinSession(t, s.code, { displayName: 'Lê Văn Tám' });
      const ask = async (text: string) =>
        (await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text } })).json() as { id: number };
      await ask('x;=1+1');
      await ask(`Ý kiến;=cmd|' /C calc'!A0`);
      const secret = await ask('Nhà tôi ở số 12 ngõ 3, số CCCD 001099012345, xin trả lời riêng');
      await t.app.inject({ method: 'POST', url: `/api/questions/${secret.id}/moderate`, headers: auth(t.adminToken), payload: { action: 'reject', reason: 'personal_data' } });

      const csvRes = await t.app.inject({ url: `/api/sessions/${s.id}/questions.csv`, headers: auth(t.adminToken) });
      expect(csvRes.statusCode).toBe(200);
      const csv = csvRes.rawPayload.subarray(3).toString('utf8');
      // Read as Excel with Vietnamese regional settings does: every ';' splits, quotes or not.
      for (const line of csv.split(/\r\n|\n/)) {
        for (const cell of line.split(';')) expect(cell.replace(/^[\s"]+/, ''), cell).not.toMatch(/^[=+\-@]/);
      }
      expect(csv).toContain(`x;'=1+1`);
      expect(csv).not.toContain('001099012345');
      // The row stays, with its reason, and no text.
      const rejected = csv.trimEnd().split('\r\n').find((l) => l.startsWith('3,'));
      expect(rejected).toContain('Chứa thông tin cá nhân');

      const xlsxRes = await t.app.inject({ url: `/api/sessions/${s.id}/questions.xlsx`, headers: auth(t.adminToken) });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsxRes.rawPayload as unknown as ArrayBuffer);
      const cells: string[] = [];
      wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
      expect(cells.join('\n')).not.toContain('001099012345');
      expect(cells).toContain('x;=1+1'); // a workbook cell is a string, never a formula
    } finally {
      await t.close();
    }
  });
});
