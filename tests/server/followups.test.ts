import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../../shared/schemas/entities';
import type { FollowUpItem, TrackResult } from '../../shared/schemas/secretariat';
import { auth, createStaff, createTestApp, dbRow, errorCode, type TestApp } from '../helpers/app';
import { CONTACTS, runSession, type SecretariatFixture } from '../helpers/secretariat';
import { collect, eventually, openSocket, type ClientSocket } from '../helpers/sockets';

describe('written follow-up, from deferral to a published answer', () => {
  let t: TestApp;
  let f: SecretariatFixture;
  let followUp: FollowUpItem;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    f = await runSession(t);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
  });

  const list = (query = '', token = f.tokens.sec) => t.app.inject({ url: `/api/followups${query}`, headers: auth(token) });
  const patch = (id: number, body: Record<string, unknown>, token = f.tokens.sec) =>
    t.app.inject({ method: 'PATCH', url: `/api/followups/${id}`, headers: auth(token), payload: body });
  const publish = (id: number, token = f.tokens.sec) => t.app.inject({ method: 'POST', url: `/api/followups/${id}/publish`, headers: auth(token) });
  const track = async (code: string): Promise<TrackResult> => (await t.app.inject({ url: `/api/track/${code}` })).json();
  const asSeenBy = async (token: string, id: number): Promise<Question> =>
    (await t.app.inject({ url: `/api/sessions/${f.session.id}/questions`, headers: auth(token) })).json().find((q: Question) => q.id === id);

  it('lists the deferred question across sessions, with its agency, deadline and asker but no contact', async () => {
    const res = await list();
    expect(res.statusCode).toBe(200);
    const items: FollowUpItem[] = res.json();
    followUp = items.find((i) => i.questionId === f.q.fees.id)!;
    expect(followUp).toMatchObject({
      sessionId: f.session.id,
      agency: 'Sở Giáo dục và Đào tạo',
      deadline: '2027-01-15',
      status: 'assigned',
      overdue: false,
      publishedAt: null,
      writtenAnswer: null,
      session: { id: f.session.id, title: f.session.title, status: 'closed' },
      // Carol asked anonymously: the list names her to nobody, not even by locality or group.
      question: { id: f.q.fees.id, anonymous: true, authorName: null, locality: null, group: null, participantId: f.participants.carol, hasContact: true, trackingCode: f.q.fees.trackingCode },
    });
    for (const c of CONTACTS) expect(res.body).not.toContain(c);
    // The contact is one audited read away, for the secretariat only.
    const contact = await t.app.inject({ url: `/api/participants/${followUp.question.participantId}/contact`, headers: auth(f.tokens.sec) });
    expect(contact.json()).toEqual({ contact: CONTACTS[2] });
  });

  it('filters by status, session, agency (any case, Vietnamese letters) and overdue', async () => {
    const ids = async (q: string) => ((await list(q)).json() as FollowUpItem[]).map((i) => i.id);
    expect(await ids('?status=assigned')).toContain(followUp.id);
    expect(await ids('?status=answered')).not.toContain(followUp.id);
    expect(await ids(`?sessionId=${f.session.id}`)).toEqual([followUp.id]);
    expect(await ids('?agency=GIÁO DỤC')).toContain(followUp.id);
    expect(await ids('?agency=Xây dựng')).not.toContain(followUp.id);
    expect(await ids('?overdue=true')).not.toContain(followUp.id);
    // A deadline in the past (Vietnam's today) makes it overdue.
    expect((await patch(followUp.id, { deadline: '2026-01-05' })).json()).toMatchObject({ deadline: '2026-01-05', overdue: true });
    expect(await ids('?overdue=true')).toContain(followUp.id);
    expect(await ids('?overdue=false')).not.toContain(followUp.id);
    expect((await patch(followUp.id, { deadline: '2027-01-15' })).json()).toMatchObject({ overdue: false });
    expect((await list('?status=done')).statusCode).toBe(400);
  });

  it('lets staff read the list but only the secretariat change it', async () => {
    const mod = await createStaff(t, 'moderator');
    const leader = await createStaff(t, 'leader');
    expect((await list('', mod.token)).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/followups' })).statusCode).toBe(401);
    expect((await list('', f.participantTokens.carol)).statusCode).toBe(403);
    for (const token of [mod.token, leader.token, f.participantTokens.carol]) {
      expect((await patch(followUp.id, { status: 'in_progress' }, token)).statusCode).toBe(403);
      expect((await publish(followUp.id, token)).statusCode).toBe(403);
    }
    expect((await patch(99999, { status: 'in_progress' })).statusCode).toBe(404);
    expect(errorCode(await patch(99999, { status: 'in_progress' }))).toBe('FOLLOWUP_NOT_FOUND');
    expect((await patch(followUp.id, {})).statusCode).toBe(400);
    expect((await patch(followUp.id, { deadline: '15/01/2027' })).statusCode).toBe(400);
  });

  it('moves through in_progress, refusing "answered" and publishing before a written answer exists', async () => {
    const res = await patch(followUp.id, { status: 'in_progress', agency: 'Sở Giáo dục và Đào tạo tỉnh Tuyên Quang' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'in_progress', agency: 'Sở Giáo dục và Đào tạo tỉnh Tuyên Quang' });
    // The question carries the new agency too.
    expect((await asSeenBy(f.tokens.mod, f.q.fees.id)).agency).toBe('Sở Giáo dục và Đào tạo tỉnh Tuyên Quang');
    const audit = (await dbRow<{ before: string; after: string }>(t, "SELECT before, after FROM audit_log WHERE action = 'followup.update' AND entity_id = ? ORDER BY id DESC", followUp.id))!;
    expect(JSON.parse(audit.before)).toMatchObject({ status: 'assigned', agency: 'Sở Giáo dục và Đào tạo' });
    expect(JSON.parse(audit.after)).toMatchObject({ status: 'in_progress', agency: 'Sở Giáo dục và Đào tạo tỉnh Tuyên Quang' });

    const early = await patch(followUp.id, { status: 'answered' });
    expect(early.statusCode).toBe(409);
    expect(errorCode(early)).toBe('NO_WRITTEN_ANSWER');
    const unpublishable = await publish(followUp.id);
    expect(unpublishable.statusCode).toBe(409);
    expect(errorCode(unpublishable)).toBe('NO_WRITTEN_ANSWER');
  });

  it('keeps a recorded written answer from the asker until it is published, then shows it everywhere', async () => {
    const carolSock = await openSocket(t.url, f.participantTokens.carol);
    sockets.push(carolSock);
    const carolUpdates = collect(carolSock, 'question:updated');

    const text = 'Học phí năm học 2026–2027 giữ nguyên như năm trước; học sinh vùng khó khăn được miễn, giảm theo quy định.';
    const recorded = await t.app.inject({
      method: 'POST',
      url: `/api/questions/${f.q.fees.id}/answers`,
      headers: auth(f.tokens.sec),
      payload: {
        kind: 'written',
        text,
        commitments: [{ text: 'Miễn học phí cho học sinh vùng khó khăn', agency: 'Sở Giáo dục và Đào tạo', deadline: '2027-02-01' }],
      },
    });
    expect(recorded.statusCode, recorded.body).toBe(200);
    const pending = (await list(`?sessionId=${f.session.id}`)).json()[0] as FollowUpItem;
    expect(pending.writtenAnswer).toMatchObject({ kind: 'written', text, publishedAt: null });
    // The secretariat sees its draft, commitment included.
    expect((await asSeenBy(f.tokens.sec, f.q.fees.id)).commitments.map((c) => c.text)).toEqual(['Miễn học phí cho học sinh vùng khó khăn']);
    // Not yet published: neither the asker, nor the public, nor the tracking page, nor the
    // leader, nor the public record see the answer or the commitment made with it.
    for (const token of [f.participantTokens.carol, f.participantTokens.bob, f.tokens.leader]) {
      const seen = await asSeenBy(token, f.q.fees.id);
      expect(seen.answers).toEqual([]);
      expect(seen.commitments).toEqual([]);
    }
    expect((await track(f.q.fees.trackingCode!)).answers).toEqual([]);
    expect((await track(f.q.fees.trackingCode!)).commitments).toEqual([]);
    const record = (await t.app.inject({ url: `/api/public/sessions/${f.session.id}` })).json() as { questions: { id: number; commitments: unknown[] }[] };
    expect(record.questions.find((q) => q.id === f.q.fees.id)!.commitments).toEqual([]);
    expect(JSON.stringify(record)).not.toContain('Miễn học phí');
    await eventually(() => carolUpdates.find((q) => q.id === f.q.fees.id), 3000, 'the recording is announced to the asker');
    const heardBeforePublishing = carolUpdates.length;

    const res = await publish(followUp.id);
    expect(res.statusCode, res.body).toBe(200);
    const published: FollowUpItem = res.json();
    expect(published).toMatchObject({ status: 'answered', overdue: false });
    expect(published.publishedAt).not.toBeNull();
    expect(published.writtenAnswer?.publishedAt).not.toBeNull();

    // The asker hears of it at once, over the socket...
    const pushed = await eventually(
      () => carolUpdates.find((q) => q.id === f.q.fees.id && q.answers.some((a) => a.kind === 'written')),
      3000,
      'the asker is told of the published answer',
    );
    expect(pushed.answers.find((a) => a.kind === 'written')!.text).toBe(text);
    expect(pushed.commitments.map((c) => c.text)).toEqual(['Miễn học phí cho học sinh vùng khó khăn']);
    // Nothing before publication ever reached the asker's phone.
    expect(heardBeforePublishing).toBeGreaterThan(0); // the recording itself was announced, shaped for the asker
    for (const u of carolUpdates.slice(0, heardBeforePublishing)) expect(JSON.stringify(u)).not.toContain('Miễn học phí');
    expect(pushed.followUp).toMatchObject({ status: 'answered' });
    // ...sees it in the session...
    expect((await asSeenBy(f.participantTokens.carol, f.q.fees.id)).answers.map((a) => a.text)).toEqual([text]);
    // ...and on the tracking page.
    const tracked = await track(f.q.fees.trackingCode!);
    expect(tracked.status).toBe('deferred');
    // A written answer without a panel seat is the answer of the agency it was deferred to.
    expect(tracked.answers).toEqual([
      { kind: 'written', text, answeredBy: 'Sở Giáo dục và Đào tạo tỉnh Tuyên Quang', publishedAt: published.writtenAnswer!.publishedAt },
    ]);
    expect(tracked.commitments.map((c) => c.text)).toEqual(['Miễn học phí cho học sinh vùng khó khăn']);
    const after = (await t.app.inject({ url: `/api/public/sessions/${f.session.id}` })).json() as { questions: { id: number; commitments: { text: string }[] }[] };
    expect(after.questions.find((q) => q.id === f.q.fees.id)!.commitments.map((c) => c.text)).toEqual(['Miễn học phí cho học sinh vùng khó khăn']);
    expect(tracked.followUp).toMatchObject({ status: 'answered', agency: 'Sở Giáo dục và Đào tạo tỉnh Tuyên Quang', publishedAt: published.publishedAt });

    const audit = (await dbRow<{ n: number }>(t, "SELECT count(*) AS n FROM audit_log WHERE action = 'followup.publish' AND entity_id = ?", followUp.id))!;
    expect(audit.n).toBe(1);
  });

  it('publishes once: a second publish changes nothing, and a published follow-up no longer moves', async () => {
    const before = (await t.app.inject({ url: `/api/followups/${followUp.id}`, headers: auth(f.tokens.sec) })).json() as FollowUpItem;
    const again = await publish(followUp.id);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(before);
    const move = await patch(followUp.id, { status: 'in_progress' });
    expect(move.statusCode).toBe(409);
    expect(errorCode(move)).toBe('ILLEGAL_TRANSITION');
    expect((await list('?status=answered')).json().map((i: FollowUpItem) => i.id)).toContain(followUp.id);
  });
});
