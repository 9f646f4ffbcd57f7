import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackResult } from '../../shared/schemas/secretariat';
import { auth, createSession, createStaff, createTestApp, errorCode, joinSession, type TestApp } from '../helpers/app';
import { CONTACTS, runSession, type SecretariatFixture } from '../helpers/secretariat';

const NAMES = ['Nguyễn Thị Lan', 'Trần Văn Bình', 'Phạm Thị Cúc', 'Đỗ Đức Dũng', 'Phường Minh Xuân', 'Xã Kim Phú'];

/** Nothing that says who asked: no contact, no name or locality, no participant id. */
function expectNoPersonalData(body: string, participantIds: number[]): void {
  for (const c of CONTACTS) expect(body).not.toContain(c);
  for (const n of NAMES) expect(body).not.toContain(n);
  expect(body).not.toMatch(/participant/i);
  expect(body).not.toMatch(/"(authorName|locality|group|contact|mine)"/);
  // Participant ids are small numbers that also occur as question ids; no field may carry one.
  for (const id of participantIds) expect(body).not.toMatch(new RegExp(`"participant[A-Za-z]*"\\s*:\\s*${id}\\b`));
}

describe('tracking a question by its code', () => {
  let t: TestApp;
  let f: SecretariatFixture;
  beforeAll(async () => {
    t = await createTestApp();
    f = await runSession(t);
  });
  afterAll(() => t.close());

  const track = (code: string) => t.app.inject({ url: `/api/track/${encodeURIComponent(code)}` });

  it('shows anyone the question with its live answer and commitments, and nobody who asked', async () => {
    const res = await track(f.q.startup.trackingCode!);
    expect(res.statusCode).toBe(200);
    const body: TrackResult = res.json();
    expect(body).toMatchObject({
      status: 'answered',
      question: { text: 'Tỉnh có chính sách gì hỗ trợ thanh niên khởi nghiệp nông nghiệp công nghệ cao?', topic: 'Khởi nghiệp', rejectReason: null },
      session: { id: f.session.id, title: f.session.title, status: 'closed' },
      answers: [{ kind: 'live', text: 'Tỉnh hỗ trợ lãi suất vay và đất thuê cho dự án của thanh niên.', answeredBy: 'Đồng chí Nguyễn Văn Hùng, Phó Chủ tịch UBND tỉnh' }],
      commitments: [{ text: 'Ban hành hướng dẫn hỗ trợ khởi nghiệp', agency: 'Sở Nông nghiệp và Môi trường', deadline: '2027-03-31', status: 'open' }],
      followUp: null,
      mergedInto: null,
    });
    expectNoPersonalData(res.body, Object.values(f.participants));
  });

  it('never reveals personal data, whatever the question became', async () => {
    for (const q of Object.values(f.q)) {
      const res = await track(q.trackingCode!);
      expect(res.statusCode).toBe(200);
      expectNoPersonalData(res.body, Object.values(f.participants));
    }
  });

  it('shows a deferred question with its follow-up but not an unpublished written answer', async () => {
    await t.app.inject({
      method: 'POST',
      url: `/api/questions/${f.q.fees.id}/answers`,
      headers: auth(f.tokens.sec),
      payload: { kind: 'written', text: 'Bản nháp trả lời chưa duyệt' },
    });
    const res = await track(f.q.fees.trackingCode!);
    const body: TrackResult = res.json();
    expect(body).toMatchObject({ status: 'deferred', answers: [], followUp: { agency: 'Sở Giáo dục và Đào tạo', deadline: '2027-01-15', status: 'assigned', publishedAt: null } });
    expect(res.body).not.toContain('Bản nháp');
  });

  it('answers a merged question through the one it was merged into', async () => {
    const body: TrackResult = (await track(f.q.merged.trackingCode!)).json();
    expect(body.status).toBe('merged');
    expect(body.mergedInto).toMatchObject({ status: 'answered', text: f.q.startup.text, answers: [{ kind: 'live' }] });
  });

  it('tells a rejected question its reason, and hides the text of one rejected for personal data', async () => {
    expect((await track(f.q.rejected.trackingCode!)).json()).toMatchObject({ status: 'rejected', question: { text: 'Đường liên xã bao giờ sửa?', rejectReason: 'duplicate' } });
    const s = await createSession(t, 'live');
    const mod = await createStaff(t, 'moderator');
    const p = await joinSession(t, s.code, { displayName: 'Vũ Thị Hoa' });
    const q = (await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: 'Số CCCD của tôi là 001234567890, xin hỏi...' } })).json();
    await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/moderate`, headers: auth(mod.token), payload: { action: 'reject', reason: 'personal_data' } });
    const res = await track(q.trackingCode);
    expect(res.json()).toMatchObject({ status: 'rejected', question: { text: null, rejectReason: 'personal_data' } });
    expect(res.body).not.toContain('001234567890');
    expect(res.body).not.toContain('Vũ Thị Hoa');
  });

  it('accepts the code as people type it, and 404s an unknown one', async () => {
    const code = f.q.road.trackingCode!;
    const typed = `${code.slice(0, 5).toLowerCase()}-${code.slice(5).toLowerCase()}`;
    expect((await track(typed)).json().status).toBe('answered');
    const unknown = await track('ZZZZZZZZZZ');
    expect(unknown.statusCode).toBe(404);
    expect(errorCode(unknown)).toBe('NOT_FOUND');
  });
});
