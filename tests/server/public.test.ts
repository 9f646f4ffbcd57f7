import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicSessionRecord, PublicSessionSummary } from '../../shared/schemas/secretariat';
import { auth, createSession, createTestApp, errorCode, type TestApp } from '../helpers/app';
import { CONTACTS, runSession, type SecretariatFixture } from '../helpers/secretariat';

describe('the public record of a closed session', () => {
  let t: TestApp;
  let f: SecretariatFixture;
  beforeAll(async () => {
    t = await createTestApp();
    f = await runSession(t);
  });
  afterAll(() => t.close());

  it('lists the public questions with their published answers and counts the others by reason', async () => {
    // A written answer recorded but not yet published stays out.
    await t.app.inject({
      method: 'POST',
      url: `/api/questions/${f.q.fees.id}/answers`,
      headers: auth(f.tokens.sec),
      payload: { kind: 'written', text: 'Bản nháp trả lời chưa duyệt' },
    });
    const res = await t.app.inject({ url: `/api/public/sessions/${f.session.id}` });
    expect(res.statusCode).toBe(200);
    const record: PublicSessionRecord = res.json();
    expect(record.session).toMatchObject({
      id: f.session.id,
      title: 'Đối thoại với thanh niên xã Hòa Bình năm 2026',
      status: 'closed',
      chair: 'Đồng chí Nguyễn Văn Hùng',
      panel: [
        { name: 'Đồng chí Nguyễn Văn Hùng', title: 'Phó Chủ tịch UBND tỉnh', agency: 'UBND tỉnh Tuyên Quang' },
        { name: 'Ông Trần Quốc Việt', title: 'Giám đốc', agency: 'Sở Nông nghiệp và Môi trường' },
      ],
    });
    expect(record.questions.map((q) => q.id).sort((a, b) => a - b)).toEqual([f.q.startup.id, f.q.road.id, f.q.fees.id].sort((a, b) => a - b));
    const startup = record.questions.find((q) => q.id === f.q.startup.id)!;
    expect(startup).toMatchObject({ status: 'answered', topic: 'Khởi nghiệp', answers: [{ kind: 'live', answeredBy: 'Đồng chí Nguyễn Văn Hùng, Phó Chủ tịch UBND tỉnh' }] });
    expect(startup.commitments).toHaveLength(1);
    const fees = record.questions.find((q) => q.id === f.q.fees.id)!;
    expect(fees).toMatchObject({ status: 'deferred', answers: [], followUp: { agency: 'Sở Giáo dục và Đào tạo', status: 'assigned' } });
    expect(record.notShown).toEqual({
      rejected: { total: 1, byReason: { duplicate: 1, off_topic: 0, abusive: 0, personal_data: 0, other: 0 } },
      merged: 1,
      withdrawn: 0,
      pending: 1,
    });
    expect(res.body).not.toContain('Bản nháp');
    expect(res.body).not.toContain('Đường liên xã bao giờ sửa?');
  });

  it('names no asker and reveals no personal data', async () => {
    const body = (await t.app.inject({ url: `/api/public/sessions/${f.session.id}` })).body;
    for (const c of CONTACTS) expect(body).not.toContain(c);
    for (const n of ['Nguyễn Thị Lan', 'Trần Văn Bình', 'Phạm Thị Cúc', 'Đỗ Đức Dũng', 'Phường Minh Xuân', 'Xã Kim Phú']) expect(body).not.toContain(n);
    expect(body).not.toMatch(/participant|trackingCode|authorName|"locality"|"contact"/i);
  });

  it('is there only once the session is closed', async () => {
    const live = await createSession(t, 'live');
    const res = await t.app.inject({ url: `/api/public/sessions/${live.id}` });
    expect(res.statusCode).toBe(403);
    expect(errorCode(res)).toBe('SESSION_NOT_PUBLIC');
    expect((await t.app.inject({ url: '/api/public/sessions/99999' })).statusCode).toBe(404);

    const list: PublicSessionSummary[] = (await t.app.inject({ url: '/api/public/sessions' })).json();
    expect(list.map((s) => s.id)).toContain(f.session.id);
    expect(list.map((s) => s.id)).not.toContain(live.id);
    expect(list.find((s) => s.id === f.session.id)).toMatchObject({ questionCount: 3, status: 'closed', title: f.session.title });
  });
});
