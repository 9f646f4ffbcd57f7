import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import { auth, createSession, createTestApp, joinSession, type TestApp } from '../helpers/app';

/**
 * Per-entity versions: what lets a phone keep the newer of two copies of a
 * question or a session when two nodes' messages arrive out of order. Every
 * change raises the version, by the database's own triggers, on either engine.
 */
describe('versions of questions and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const staffView = async (sessionId: number, id: number): Promise<Question> => {
    const res = await t.app.inject({ url: `/api/sessions/${sessionId}/questions`, headers: auth(t.adminToken) });
    expect(res.statusCode).toBe(200);
    return (res.json() as Question[]).find((q) => q.id === id)!;
  };

  it('raises a question\'s version on each change, and on its answers, but not on a vote', async () => {
    const s = await createSession(t, 'live', { moderation: 'post', panel: [{ name: 'Ông Lý Văn Tâm', title: 'Chủ tịch UBND xã' }] });
    const author = await joinSession(t, s.code);
    const asked = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(author.token), payload: { text: 'Bao giờ có điện lưới về bản?' } });
    expect(asked.statusCode).toBe(200);
    const q = asked.json() as Question;
    const v0 = (await staffView(s.id, q.id)).version;

    const tagged = await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/moderate`, headers: auth(t.adminToken), payload: { action: 'tag', topic: 'Điện' } });
    expect(tagged.statusCode).toBe(200);
    const v1 = (await staffView(s.id, q.id)).version;
    expect(v1).toBeGreaterThan(v0);

    const voter = await joinSession(t, s.code);
    const vote = await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/vote`, headers: auth(voter.token) });
    expect(vote.statusCode).toBe(200);
    const afterVote = await staffView(s.id, q.id);
    expect(afterVote.votes).toBe(1);
    expect(afterVote.version).toBe(v1); // the tallies carry counts; a vote is no new copy of the question

    const answered = await t.app.inject({
      method: 'POST',
      url: `/api/questions/${q.id}/answers`,
      headers: auth(t.adminToken),
      payload: { kind: 'live', text: 'Quý II năm sau.', panelSeatId: s.panel[0]!.id },
    });
    expect(answered.statusCode).toBe(200);
    expect((await staffView(s.id, q.id)).version).toBeGreaterThan(v1);
  });

  it('raises a session\'s version on each change', async () => {
    const s = await createSession(t, 'open');
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}`, headers: auth(t.adminToken), payload: { title: 'Đối thoại với nông dân (đổi tên)' } });
    expect(patched.statusCode).toBe(200);
    const after = patched.json() as Session;
    expect(after.version).toBeGreaterThan(s.version);
  });
});
