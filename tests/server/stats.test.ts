import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpItem, SessionStats } from '../../shared/schemas/secretariat';
import { auth, createStaff, createTestApp, dbRun, type TestApp } from '../helpers/app';
import { runSession, type SecretariatFixture } from '../helpers/secretariat';

describe('session statistics', () => {
  let t: TestApp;
  let f: SecretariatFixture;
  beforeAll(async () => {
    t = await createTestApp();
    f = await runSession(t);
  });
  afterAll(() => t.close());

  const stats = async (token: string) => t.app.inject({ url: `/api/sessions/${f.session.id}/stats`, headers: auth(token) });

  it('counts questions by group, topic and locality, and how they were handled', async () => {
    const mod = await createStaff(t, 'moderator');
    const res = await stats(mod.token);
    expect(res.statusCode).toBe(200);
    const s: SessionStats = res.json();
    expect(s).toMatchObject({
      sessionId: f.session.id,
      participants: 4,
      questions: 6,
      takenUpLive: 2,
      deferred: 1,
      rejected: { total: 1, byReason: { duplicate: 1, off_topic: 0, abusive: 0, personal_data: 0, other: 0 } },
      merged: 1,
      withdrawn: 0,
      followUps: { total: 1, published: 0, overdue: 0, medianSecondsToWrittenAnswer: null },
      byStatus: { answered: 2, deferred: 1, rejected: 1, merged: 1, pending: 1 },
    });
    // Carol asked anonymously: her question counts, but as "not said" — a group or
    // locality with one question would otherwise point at her.
    expect(s.byGroup).toEqual([
      { key: 'farmer', count: 2 },
      { key: 'youth', count: 2 },
      { key: 'business', count: 1 },
      { key: null, count: 1 },
    ]);
    expect(s.byTopic).toEqual([
      { key: 'Giáo dục', count: 1 },
      { key: 'Giao thông', count: 1 },
      { key: 'Khởi nghiệp', count: 1 },
      { key: null, count: 3 },
    ]);
    expect(s.byLocality).toEqual([
      { key: 'Phường Minh Xuân', count: 2 },
      { key: 'Xã Hòa Bình', count: 2 },
      { key: 'Xã Kim Phú', count: 1 },
      { key: null, count: 1 },
    ]);
  });

  it('gives the median time from deferral to a published written answer', async () => {
    await t.app.inject({
      method: 'POST',
      url: `/api/questions/${f.q.fees.id}/answers`,
      headers: auth(f.tokens.sec),
      payload: { kind: 'written', text: 'Học phí giữ nguyên.' },
    });
    const item = ((await t.app.inject({ url: `/api/followups?sessionId=${f.session.id}`, headers: auth(f.tokens.sec) })).json() as FollowUpItem[])[0]!;
    // Deferred two days before it was published.
    await dbRun(t, 'UPDATE follow_ups SET created_at = ? WHERE id = ?', new Date(Date.now() - 2 * 86_400_000).toISOString(), item.id);
    expect((await t.app.inject({ method: 'POST', url: `/api/followups/${item.id}/publish`, headers: auth(f.tokens.sec) })).statusCode).toBe(200);
    const s: SessionStats = (await stats(f.tokens.sec)).json();
    expect(s.followUps.published).toBe(1);
    expect(s.followUps.medianSecondsToWrittenAnswer).toBeGreaterThan(2 * 86_400 - 60);
    expect(s.followUps.medianSecondsToWrittenAnswer).toBeLessThan(2 * 86_400 + 60);
  });

  it('is for staff only', async () => {
    expect((await t.app.inject({ url: `/api/sessions/${f.session.id}/stats` })).statusCode).toBe(401);
    expect((await stats(f.participantTokens.alice)).statusCode).toBe(403);
    expect((await stats(f.tokens.leader)).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/sessions/99999/stats', headers: auth(f.tokens.sec) })).statusCode).toBe(404);
  });
});
