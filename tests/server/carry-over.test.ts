import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/schemas/entities';
import type { CarryOver } from '../../shared/schemas/opinions-report';
import { assignStaff, auth, createSession, createTestApp, errorCode, joinSession, type TestApp } from '../helpers/app';
import { runRegister, vn, type RegisterFixture } from '../helpers/opinions-register';

const docxText = async (buf: Buffer): Promise<string> =>
  [...(await (await JSZip.loadAsync(buf)).file('word/document.xml')!.async('string')).matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((p) => [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))
    .join('\n');

describe('carry-over at the next dialogue with a returning audience (issue 15)', () => {
  let t: TestApp;
  let f: RegisterFixture;
  let next: Session;
  const users = async () => (await t.app.inject({ url: '/api/users', headers: auth(t.adminToken) })).json() as { id: number; role: string; username: string }[];
  const get = (url: string, token: string) => t.app.inject({ url, headers: auth(token) });

  /** A session being prepared, for a unit and an audience group. */
  async function prepare(title: string, audience: string, unitId: number, group: string | null, startsAt: string): Promise<Session> {
    const s = await createSession(t, 'open', { title, audience, startsAt: vn(startsAt), unitId, audienceGroup: group as 'youth' | null }, { assignAll: false });
    expect([s.unitId, s.audienceGroup]).toEqual([unitId, group]);
    const staff = (await users()).filter((u) => u.role === 'leader' || u.role === 'secretary').slice(0, 2);
    await assignStaff(t, s.id, staff.map((u) => u.id));
    return s;
  }

  beforeAll(async () => {
    t = await createTestApp();
    f = await runRegister(t);
    next = await prepare('Đối thoại với thanh niên tháng 10', 'Thanh niên', f.units.a, 'youth', '2026-10-20 08:00');
  }, 120_000);
  afterAll(() => t.close());

  it('lists the last dialogue with the same audience in full, and what is still open from older ones', async () => {
    const res = await get(`/api/sessions/${next.id}/carry-over`, f.tokens.sec);
    expect(res.statusCode, res.body).toBe(200);
    const c: CarryOver = res.json();
    expect(c.matchedBy).toBe('audienceGroup');
    // Newest first: September's (another audience text, the same group), then August's.
    expect(c.dialogues.map((d) => [d.sessionId, d.date, d.full, d.chair])).toEqual([
      [f.sessions.s2.id, '2026-09-15', true, 'Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh'],
      [f.sessions.s1.id, '2026-08-12', false, 'Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh'],
    ]);
    const [sep, aug] = c.dialogues as [CarryOver['dialogues'][0], CarryOver['dialogues'][0]];
    expect(sep.opinions.map((o) => [o.id, o.outcome, o.leadAgency, o.doneDate !== null])).toEqual([
      [f.o.jobs, 'resolved', 'Sở Nội vụ', true],
      [f.o.power, null, 'Công ty Điện lực Tuyên Quang', false],
    ]);
    // August: the road (in progress; its merged duplicate is not listed again) and the clinic; fees were answered.
    expect(aug.opinions.map((o) => o.id)).toEqual([f.o.road, f.o.clinic]);
    expect(aug.opinions[0]).toMatchObject({ outcome: 'in_progress', questionNumber: f.q.road.number, leadAgency: 'Sở Xây dựng' });
    expect(aug.commitments).toEqual([
      {
        questionNumber: f.q.road.number,
        questionText: f.q.road.text,
        text: 'Khởi công nâng cấp đường liên xã Hòa Bình - Kim Phú',
        agency: 'Sở Xây dựng',
        deadline: '2026-12-31',
        status: 'open',
        overdue: false,
      },
    ]);
    expect(c.totals).toEqual({ commitments: 1, commitmentsDone: 0, opinions: 4, resolved: 1, outstanding: 3 });
    // The leader of the session sees it too.
    expect((await get(`/api/sessions/${next.id}/carry-over`, f.tokens.leader)).statusCode).toBe(200);
  });

  it('finds nothing for an audience that never met the unit, and falls back to the audience as typed', async () => {
    const farmersOfProvince = await prepare('Đối thoại với nông dân toàn tỉnh', 'Nông dân', f.units.a, 'farmer', '2026-10-25 08:00');
    const none: CarryOver = (await get(`/api/sessions/${farmersOfProvince.id}/carry-over`, f.tokens.sec)).json();
    expect(none).toMatchObject({ matchedBy: null, dialogues: [], totals: { commitments: 0, opinions: 0 } });
    // The commune's next dialogue, prepared without a group: "nông dân" as typed, in another case, finds September's.
    const typed = await prepare('Đối thoại với nông dân xã Hòa Bình lần 2', '  NÔNG DÂN ', f.units.b, null, '2026-11-05 08:00');
    const c: CarryOver = (await get(`/api/sessions/${typed.id}/carry-over`, f.tokens.sec)).json();
    expect(c.matchedBy).toBe('audience');
    expect(c.dialogues.map((d) => d.sessionId)).toEqual([f.sessions.s3.id]);
    expect(c.dialogues[0]!.opinions.map((o) => [o.id, o.outcome])).toEqual([[f.o.canal, 'resolved']]);
  });

  it('goes into the minutes when asked for', async () => {
    const withIt = await get(`/api/sessions/${next.id}/minutes.docx?carryOver=1`, f.tokens.sec);
    expect(withIt.statusCode).toBe(200);
    const text = await docxText(withIt.rawPayload);
    expect(text).toContain('Kết quả thực hiện kết luận tại hội nghị đối thoại lần trước:');
    expect(text).toContain('Cam kết: 1, đã hoàn thành: 0; ý kiến, kiến nghị: 4, đã giải quyết xong: 1, chưa giải quyết xong: 3.');
    expect(text).toContain('Hội nghị ngày 15/09/2026: Đối thoại với thanh niên tháng 9 (chủ trì: Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh).');
    expect(text).toContain('Khởi công nâng cấp đường liên xã Hòa Bình - Kim Phú (Sở Xây dựng, thời hạn 31/12/2026): chưa thực hiện;');
    expect(text).toContain('(Sở Nội vụ): Đã giải quyết;');
    // The section sits before the session's own content.
    expect(text.indexOf('Kết quả thực hiện kết luận')).toBeLessThan(text.indexOf('Nội dung (theo diễn biến hội nghị):'));
    const html = await get(`/api/sessions/${next.id}/minutes.html?carryOver=1`, f.tokens.sec);
    expect(html.body).toContain('Kết quả thực hiện kết luận tại hội nghị đối thoại lần trước:');
    const without = await get(`/api/sessions/${next.id}/minutes.docx`, f.tokens.sec);
    expect(await docxText(without.rawPayload)).not.toContain('Kết quả thực hiện kết luận');
    expect(errorCode(await get(`/api/sessions/${next.id}/minutes.docx?carryOver=yes`, f.tokens.sec))).toBe('INVALID_PAYLOAD');
  });

  it('is for the staff of that session only', async () => {
    expect(errorCode(await get(`/api/sessions/${next.id}/carry-over`, f.tokens.otherSec))).toBe('NOT_ASSIGNED');
    expect(errorCode(await get(`/api/sessions/${next.id}/carry-over`, f.tokens.mod))).toBe('NOT_ASSIGNED');
    const p = await joinSession(t, next.code);
    expect(errorCode(await get(`/api/sessions/${next.id}/carry-over`, p.token))).toBe('FORBIDDEN');
    expect(errorCode(await t.app.inject({ url: `/api/sessions/${next.id}/carry-over` }))).toBe('UNAUTHORIZED');
    expect(errorCode(await get(`/api/sessions/99999/carry-over`, t.adminToken))).toBe('SESSION_NOT_FOUND');
  });
});
