import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createSession, createTestApp, dbRow, joinSession, setStatus, type TestApp } from '../helpers/app';

describe('closing a session', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('takes the question off the stage everywhere: back among the approved ones, not "being answered" in the record', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, s.code);
    const q = (
      await t.app.inject({
        method: 'POST',
        url: `/api/sessions/${s.id}/questions`,
        headers: auth(p.token),
        payload: { text: 'Bao giờ có điện lưới về bản Nà Mèo?' },
      })
    ).json() as { id: number };
    const staged = await t.app.inject({
      method: 'POST',
      url: `/api/questions/${q.id}/moderate`,
      headers: auth(t.adminToken),
      payload: { action: 'stage' },
    });
    expect(staged.json().status).toBe('on_stage');

    await setStatus(t, s.id, 'closed');
    const row = (await dbRow(t, 'select status from questions where id = ?', q.id)) as { status: string };
    expect(row.status).toBe('approved');
    expect(((await dbRow(t, 'select stage_question_id from sessions where id = ?', s.id)) as { stage_question_id: number | null }).stage_question_id).toBeNull();
    const record = await t.app.inject({ url: `/api/public/sessions/${s.id}` });
    expect(record.statusCode).toBe(200);
    expect(record.body).not.toContain('on_stage');
  });
});
