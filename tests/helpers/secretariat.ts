import { expect } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, joinSession, setStatus, type TestApp } from './app';

/** Personal data planted in the fixture: none of it may leak into public pages or exports. */
export const CONTACTS = ['lan.nguyen@example.vn', '0912 345 678', 'an-danh-lien-he@example.vn', '0988 777 666'];

export interface SecretariatFixture {
  session: Session;
  tokens: { mod: string; sec: string; leader: string };
  participants: { alice: number; bob: number; carol: number; dave: number };
  /** The tokens they got when they joined (a closed session takes no new joins). */
  participantTokens: { alice: string; bob: string; carol: string; dave: string };
  q: {
    /** Alice's, answered live second, with a commitment. */
    startup: Question;
    /** Bob's, answered live first. */
    road: Question;
    /** Carol's, anonymous, formula-like text, deferred to a written answer. */
    fees: Question;
    /** Dave's, rejected as a duplicate. */
    rejected: Question;
    /** Alice's second, merged into `startup`. */
    merged: Question;
    /** Bob's second, never moderated. */
    pending: Question;
  };
}

/**
 * A whole session through the real API: join, submit, moderate, stage,
 * answer live with commitments, defer, close. Written answers and
 * publishing are left to the tests.
 */
export async function runSession(t: TestApp): Promise<SecretariatFixture> {
  const app = t.app;
  const mod = await createStaff(t, 'moderator');
  const sec = await createStaff(t, 'secretary');
  const leader = await createStaff(t, 'leader');
  const session = await createSession(t, 'live', {
    title: 'Đối thoại với thanh niên xã Hòa Bình năm 2026',
    place: 'Hội trường UBND xã Hòa Bình',
    chair: 'Đồng chí Nguyễn Văn Hùng',
    secretary: 'Bà Lê Thị Thu Hà',
    moderation: 'pre',
    panel: [
      // The leader's account sits in this seat: their answers are attributed to it.
      { name: 'Đồng chí Nguyễn Văn Hùng', title: 'Phó Chủ tịch UBND tỉnh', agency: 'UBND tỉnh Tuyên Quang', userId: leader.user.id },
      { name: 'Ông Trần Quốc Việt', title: 'Giám đốc', agency: 'Sở Nông nghiệp và Môi trường' },
    ],
  });
  const alice = await joinSession(t, session.code, { displayName: 'Nguyễn Thị Lan', locality: 'Phường Minh Xuân', group: 'youth', contact: CONTACTS[0]! });
  const bob = await joinSession(t, session.code, { displayName: 'Trần Văn Bình', locality: 'Xã Hòa Bình', group: 'farmer', contact: CONTACTS[1]! });
  const carol = await joinSession(t, session.code, { displayName: 'Phạm Thị Cúc', locality: 'Xã Kim Phú', group: 'youth', contact: CONTACTS[2]! });
  const dave = await joinSession(t, session.code, { displayName: 'Đỗ Đức Dũng', locality: 'Xã Kim Phú', group: 'business', contact: CONTACTS[3]! });

  const submit = async (token: string, text: string, anonymous = false): Promise<Question> => {
    const res = await app.inject({ method: 'POST', url: `/api/sessions/${session.id}/questions`, headers: auth(token), payload: { text, anonymous } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const moderate = async (id: number, body: Record<string, unknown>): Promise<Question> => {
    const res = await app.inject({ method: 'POST', url: `/api/questions/${id}/moderate`, headers: auth(mod.token), payload: body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const answer = async (token: string, id: number, body: Record<string, unknown>): Promise<Question> => {
    const res = await app.inject({ method: 'POST', url: `/api/questions/${id}/answers`, headers: auth(token), payload: body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  const startup = await submit(alice.token, 'Tỉnh có chính sách gì hỗ trợ thanh niên khởi nghiệp nông nghiệp công nghệ cao?');
  const road = await submit(bob.token, 'Khi nào đường liên xã Hòa Bình – Kim Phú được sửa chữa, nâng cấp?');
  const fees = await submit(carol.token, '=HYPERLINK("http://x") Học phí năm học mới có tăng không, thưa lãnh đạo?', true);
  const rejected = await submit(dave.token, 'Đường liên xã bao giờ sửa?');
  const merged = await submit(alice.token, 'Thanh niên khởi nghiệp được vay vốn ưu đãi thế nào?');
  const pending = await submit(bob.token, '-5% thuế cho hộ kinh doanh có được không?');

  for (const q of [startup, road, fees, merged]) await moderate(q.id, { action: 'approve' });
  await moderate(startup.id, { action: 'tag', topic: 'Khởi nghiệp' });
  await moderate(road.id, { action: 'tag', topic: 'Giao thông' });
  await moderate(fees.id, { action: 'tag', topic: 'Giáo dục' });
  await moderate(rejected.id, { action: 'reject', reason: 'duplicate' });
  await moderate(merged.id, { action: 'merge', targetId: startup.id });

  // Bob's question is taken up first, though Alice asked first.
  await moderate(road.id, { action: 'stage' });
  await answer(sec.token, road.id, {
    kind: 'live',
    text: 'Tuyến đường đã có trong kế hoạch đầu tư công năm 2027.',
    panelSeatId: session.panel[1]!.id,
  });
  await moderate(road.id, { action: 'answered' });
  await moderate(startup.id, { action: 'stage' });
  await answer(leader.token, startup.id, {
    kind: 'live',
    text: 'Tỉnh hỗ trợ lãi suất vay và đất thuê cho dự án của thanh niên.',
    commitments: [{ text: 'Ban hành hướng dẫn hỗ trợ khởi nghiệp', agency: 'Sở Nông nghiệp và Môi trường', deadline: '2027-03-31' }],
  });
  await moderate(startup.id, { action: 'answered' });
  await moderate(fees.id, { action: 'defer', agency: 'Sở Giáo dục và Đào tạo', deadline: '2027-01-15' });

  const closed = await setStatus(t, session.id, 'closed');
  const get = async (id: number): Promise<Question> =>
    (await app.inject({ url: `/api/sessions/${session.id}/questions`, headers: auth(mod.token) })).json().find((q: Question) => q.id === id);
  return {
    session: closed,
    tokens: { mod: mod.token, sec: sec.token, leader: leader.token },
    participants: { alice: alice.participantId, bob: bob.participantId, carol: carol.participantId, dave: dave.participantId },
    participantTokens: { alice: alice.token, bob: bob.token, carol: carol.token, dave: dave.token },
    q: {
      startup: await get(startup.id),
      road: await get(road.id),
      fees: await get(fees.id),
      rejected: await get(rejected.id),
      merged: await get(merged.id),
      pending: await get(pending.id),
    },
  };
}
