import type { Question, Session } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, dbRow, dbRows, dbRun, joinSession, setStatus, type TestApp } from './app';

/**
 * The opinions register of issue 15 as a clerk would have it after two
 * months, for the period report, the carry-over and the deadlines:
 *
 * - unit A, the province (UBND tỉnh Tuyên Quang), unit B, a commune (UBND xã Hòa Bình);
 * - S1, A, youth, held 12 Aug 2026: "road" answered live with a commitment,
 *   "fees" deferred to Sở Giáo dục (deadline 31 Aug, written answer
 *   published 10 Sep: late), "roadAgain" merged into "road", "clinic"
 *   approved and never reached, "spam" rejected (not an opinion);
 * - S2, A, youth again, held 15 Sep: "jobs" answered live, "power" deferred
 *   to Công ty Điện lực (deadline 15 Oct, outstanding);
 * - S3, B, farmers, held 20 Sep: "canal" answered live;
 * - entered for A: a reception day on 20 Aug (land, Sở Nông nghiệp và Môi
 *   trường, deadline 10 Sep, resolved 5 Sep: on time), a letter on 3 Sep
 *   that repeats it, a letter of 20 Jul (resolved 25 Aug: carried over into
 *   August and dealt with there) and a reception of 5 Jul still in progress
 *   (carried over, outstanding, deadline 31 Jul: overdue).
 *
 * Everything goes through the API (units, sessions with their unit and
 * audience group, questions, answers, deferrals, the register's entered
 * opinions and its PATCH); only the clock is set back afterwards: the
 * sessions' times, the questions' and answers' dates and the days the
 * register's audit log says each change was made.
 */
export interface RegisterFixture {
  units: { a: number; b: number };
  sessions: { s1: Session; s2: Session; s3: Session };
  q: Record<'road' | 'fees' | 'roadAgain' | 'clinic' | 'spam' | 'jobs' | 'power' | 'canal', Question>;
  /** Opinion ids. */
  o: Record<'road' | 'fees' | 'roadAgain' | 'clinic' | 'jobs' | 'power' | 'canal' | 'reception' | 'letterRepeat' | 'julyLetter' | 'julyReception', number>;
  tokens: { sec: string; mod: string; leader: string; otherSec: string };
  /** Sign-in names (createStaff's password rule: pw-<username>-secret). */
  usernames: { sec: string; leader: string };
  fields: Record<string, number>;
}

function check(res: { statusCode: number; body: string }, what: string): void {
  if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
}

/** An instant in Vietnam: "2026-08-12 08:30" → ISO UTC. */
export const vn = (local: string): string => new Date(`${local.replace(' ', 'T')}:00+07:00`).toISOString();

export async function runRegister(t: TestApp): Promise<RegisterFixture> {
  const app = t.app;
  const sec = await createStaff(t, 'secretary');
  const mod = await createStaff(t, 'moderator');
  const leader = await createStaff(t, 'leader');

  const unit = async (body: Record<string, unknown>): Promise<number> => {
    const res = await app.inject({ method: 'POST', url: '/api/units', headers: auth(t.adminToken), payload: body });
    check(res, 'unit');
    return res.json().id;
  };
  const a = await unit({ name: 'ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG', abbreviation: 'UBND', level: 'province', place: 'Tuyên Quang' });
  const b = await unit({ name: 'ỦY BAN NHÂN DÂN XÃ HÒA BÌNH', abbreviation: 'UBND', level: 'commune', place: 'Hòa Bình', parentName: 'TỈNH TUYÊN QUANG' });
  const fields = Object.fromEntries((await dbRows<{ id: number; name: string }>(t, 'SELECT id, name FROM fields')).map((f) => [f.name, f.id]));

  const moderate = async (id: number, body: Record<string, unknown>) =>
    check(await app.inject({ method: 'POST', url: `/api/questions/${id}/moderate`, headers: auth(mod.token), payload: body }), `moderate ${String(body.action)}`);
  const answer = async (id: number, body: Record<string, unknown>) =>
    check(await app.inject({ method: 'POST', url: `/api/questions/${id}/answers`, headers: auth(sec.token), payload: body }), 'answer');

  async function dialogue(opts: { title: string; audience: string; chair: string; chairTitle: string; unitId: number; group: string; held: string; attendance: number }) {
    const s = await createSession(t, 'live', {
      unitId: opts.unitId,
      audienceGroup: opts.group as 'youth',
      title: opts.title,
      audience: opts.audience,
      moderation: 'pre',
      startsAt: vn(opts.held),
      panel: [
        { name: opts.chair, title: opts.chairTitle, role: 'chair' },
        { name: 'Ông Trần Quốc Việt', title: 'Giám đốc Sở Nông nghiệp và Môi trường', role: 'member' },
      ],
    });
    const people = await Promise.all(
      ['Nguyễn Thị Lan', 'Trần Văn Bình', 'Phạm Thị Cúc'].map((displayName) => joinSession(t, s.code, { displayName, locality: 'Xã Hòa Bình' })),
    );
    check(await app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}/minutes-notes`, headers: auth(sec.token), payload: { attendance: opts.attendance } }), 'attendance');
    return { s, people };
  }
  const submit = async (s: Session, token: string, text: string): Promise<Question> => {
    const res = await app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(token), payload: { text } });
    check(res, 'submit');
    return res.json();
  };
  const live = async (q: Question, seat: number, text: string, commitments?: unknown[]) => {
    await moderate(q.id, { action: 'approve' });
    await moderate(q.id, { action: 'stage' });
    await answer(q.id, { kind: 'live', text, panelSeatId: seat, ...(commitments && { commitments }) });
    await moderate(q.id, { action: 'answered' });
  };

  // ---- S1: youth, province, 12 August
  const d1 = await dialogue({ title: 'Đối thoại với thanh niên tháng 8', audience: 'Thanh niên', chair: 'Ông Nguyễn Văn Sơn', chairTitle: 'Chủ tịch UBND tỉnh', unitId: a, group: 'youth', held: '2026-08-12 08:00', attendance: 120 });
  const s1seat = d1.s.panel[0]!.id;
  const road = await submit(d1.s, d1.people[0]!.token, 'Khi nào đường liên xã Hòa Bình - Kim Phú được sửa chữa?');
  const fees = await submit(d1.s, d1.people[1]!.token, 'Học phí năm học mới có tăng không?');
  const roadAgain = await submit(d1.s, d1.people[2]!.token, 'Đường liên xã bao giờ sửa?');
  const clinic = await submit(d1.s, d1.people[2]!.token, 'Trạm y tế xã thiếu bác sĩ.');
  const spam = await submit(d1.s, d1.people[1]!.token, 'Giá vàng tuần sau thế nào?');
  await live(road, s1seat, 'Tuyến đường có trong kế hoạch đầu tư công năm 2027.', [
    { text: 'Khởi công nâng cấp đường liên xã Hòa Bình - Kim Phú', agency: 'Sở Xây dựng', deadline: '2026-12-31' },
  ]);
  await moderate(fees.id, { action: 'approve' });
  await moderate(fees.id, { action: 'defer', agency: 'Sở Giáo dục và Đào tạo', deadline: '2026-08-31' });
  await moderate(roadAgain.id, { action: 'approve' });
  await moderate(roadAgain.id, { action: 'merge', targetId: road.id });
  await moderate(clinic.id, { action: 'approve' });
  await moderate(spam.id, { action: 'reject', reason: 'off_topic' });
  await setStatus(t, d1.s.id, 'closed');
  await answer(fees.id, { kind: 'written', text: 'Học phí giữ nguyên như năm học trước.' });
  const feesFollowUp = (await dbRow<{ id: number }>(t, 'SELECT id FROM follow_ups WHERE question_id = ?', fees.id))!.id;
  check(await app.inject({ method: 'POST', url: `/api/followups/${feesFollowUp}/publish`, headers: auth(sec.token) }), 'publish');

  // ---- S2: youth again, province, 15 September: the returning audience
  const d2 = await dialogue({ title: 'Đối thoại với thanh niên tháng 9', audience: 'Đoàn viên thanh niên', chair: 'Ông Nguyễn Văn Sơn', chairTitle: 'Chủ tịch UBND tỉnh', unitId: a, group: 'youth', held: '2026-09-15 08:00', attendance: 95 });
  const jobs = await submit(d2.s, d2.people[0]!.token, 'Tỉnh có kế hoạch đào tạo nghề cho thanh niên không?');
  const power = await submit(d2.s, d2.people[1]!.token, 'Lưới điện thôn Đồng Mới chập chờn, đề nghị cải tạo.');
  await live(jobs, d2.s.panel[0]!.id, 'Tỉnh dành 2.000 suất học nghề miễn phí mỗi năm.');
  await moderate(power.id, { action: 'approve' });
  await moderate(power.id, { action: 'defer', agency: 'Công ty Điện lực Tuyên Quang', deadline: '2026-10-15' });
  await setStatus(t, d2.s.id, 'closed');

  // ---- S3: farmers, the commune, 20 September
  const d3 = await dialogue({ title: 'Đối thoại với nông dân xã Hòa Bình', audience: 'Nông dân', chair: 'Bà Lê Thị Mai', chairTitle: 'Chủ tịch UBND xã', unitId: b, group: 'farmer', held: '2026-09-20 14:00', attendance: 60 });
  const canal = await submit(d3.s, d3.people[0]!.token, 'Kênh mương nội đồng xuống cấp, đề nghị kiên cố hóa.');
  await live(canal, d3.s.panel[0]!.id, 'Xã hỗ trợ xi măng cho kênh mương nội đồng.');
  await setStatus(t, d3.s.id, 'closed');

  // ---- the dates as they were, and the units
  // The sessions happened in August and September: their clock times as they were.
  const dated = (s: Session, held: string, closed: string) =>
    dbRun(t, `UPDATE sessions SET starts_at = ?, started_at = ?, closed_at = ? WHERE id = ?`, vn(held), vn(held), vn(closed), s.id);
  await dated(d1.s, '2026-08-12 08:00', '2026-08-12 11:30');
  await dated(d2.s, '2026-09-15 08:00', '2026-09-15 11:00');
  await dated(d3.s, '2026-09-20 14:00', '2026-09-20 16:30');
  const at = async (qid: number, when: string) => {
    await dbRun(t, `UPDATE questions SET created_at = ?, answered_at = CASE WHEN answered_at IS NULL THEN NULL ELSE ? END WHERE id = ?`, vn(when), vn(when), qid);
    await dbRun(t, `UPDATE answers SET created_at = ? WHERE question_id = ? AND kind = 'live'`, vn(when), qid);
  };
  for (const q of [road, fees, roadAgain, clinic, spam]) await at(q.id, '2026-08-12 09:00');
  for (const q of [jobs, power]) await at(q.id, '2026-09-15 09:00');
  await at(canal.id, '2026-09-20 15:00');
  await dbRun(t, `UPDATE answers SET created_at = ?, published_at = ? WHERE question_id = ? AND kind = 'written'`, vn('2026-09-10 10:00'), vn('2026-09-10 10:00'), fees.id);
  await dbRun(t, `UPDATE follow_ups SET published_at = ? WHERE question_id = ?`, vn('2026-09-10 10:00'), fees.id);

  // ---- the register's rows: the register made one per approved-or-later question (dated here as asked), the others are entered
  const questionOpinion = async (q: Question, unitId: number, s: Session, received: string): Promise<number> => {
    const row = await dbRow<{ id: number; unitId: number; sessionId: number }>(
      t,
      'SELECT id, unit_id AS "unitId", session_id AS "sessionId" FROM opinions WHERE question_id = ?',
      q.id,
    );
    if (!row || row.unitId !== unitId || row.sessionId !== s.id) throw new Error(`the register has no row for question ${q.id} of session ${s.id}`);
    await dbRun(t, `UPDATE opinions SET received_at = ?, created_at = ? WHERE id = ?`, vn(received), vn(received), row.id);
    await dbRun(t, `UPDATE audit_log SET at = ? WHERE entity = 'opinion' AND entity_id = ?`, vn(received), row.id);
    return row.id;
  };
  const entered = async (channel: string, received: string, text: string, personName: string | null, locality: string | null): Promise<number> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/opinions',
      headers: auth(sec.token),
      payload: { unitId: a, channel, receivedAt: vn(received), text, ...(personName && { personName }), ...(locality && { locality }) },
    });
    check(res, 'enter an opinion');
    const id: number = res.json().id;
    await dbRun(t, `UPDATE audit_log SET at = ? WHERE entity = 'opinion' AND entity_id = ?`, vn(received), id);
    return id;
  };
  const o = {
    road: await questionOpinion(road, a, d1.s, '2026-08-12 09:00'),
    fees: await questionOpinion(fees, a, d1.s, '2026-08-12 09:00'),
    roadAgain: await questionOpinion(roadAgain, a, d1.s, '2026-08-12 09:00'),
    clinic: await questionOpinion(clinic, a, d1.s, '2026-08-12 09:00'),
    jobs: await questionOpinion(jobs, a, d2.s, '2026-09-15 09:00'),
    power: await questionOpinion(power, a, d2.s, '2026-09-15 09:00'),
    canal: await questionOpinion(canal, b, d3.s, '2026-09-20 15:00'),
    reception: await entered('reception', '2026-08-20 09:00', 'Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình.', 'Hoàng Văn Nam', 'Xã Kim Phú'),
    letterRepeat: await entered('letter', '2026-09-03 10:00', 'Nhắc lại đề nghị cấp sổ đỏ cho các hộ xã Kim Phú.', 'Hoàng Văn Nam', 'Xã Kim Phú'),
    julyLetter: await entered('letter', '2026-07-20 10:00', 'Đề nghị sửa cầu treo thôn Nà Héc.', 'Lý Thị Hoa', 'Xã Thái Long'),
    julyReception: await entered('reception', '2026-07-05 09:00', 'Đề nghị hỗ trợ giống cây trồng sau lũ.', null, null),
  };
  // A question rejected is no opinion.
  if (await dbRow(t, 'SELECT 1 FROM opinions WHERE question_id = ?', spam.id)) throw new Error('a rejected question is in the register');

  /** The register's PATCH (issue 15a), as the clerk made it on the day `when`: its audit entry is dated so. */
  const classify = async (id: number, patch: Record<string, unknown>, when: string) => {
    const body = { ...patch, ...(typeof patch.agencies === 'string' && { agencies: JSON.parse(patch.agencies) as string[] }) };
    const res = await app.inject({ method: 'PATCH', url: `/api/opinions/${id}`, headers: auth(sec.token), payload: body });
    check(res, `classify ${id}`);
    const last = (await dbRow<{ id: number }>(t, `SELECT MAX(id) AS id FROM audit_log WHERE entity = 'opinion' AND entity_id = ?`, id))!;
    await dbRun(t, `UPDATE audit_log SET at = ? WHERE id = ?`, vn(when), last.id);
    await dbRun(t, `UPDATE opinions SET updated_at = ? WHERE id = ?`, vn(when), id);
  };
  const F = (name: string) => fields[name]!;
  await classify(o.road, { fieldId: F('Giao thông, xây dựng, thủy lợi'), level: 'province', leadAgency: 'Sở Xây dựng', deadline: '2026-12-31', outcome: 'in_progress' }, '2026-08-13 09:00');
  await classify(o.roadAgain, { fieldId: F('Giao thông, xây dựng, thủy lợi'), level: 'province' }, '2026-08-13 09:00');
  await classify(o.fees, { fieldId: F('Giáo dục'), level: 'province', leadAgency: 'Sở Giáo dục và Đào tạo', deadline: '2026-08-31', outcome: 'explained', responseRef: 'Công văn số 123/SGDĐT-KHTC ngày 10/9/2026' }, '2026-09-10 10:00');
  await classify(o.clinic, { fieldId: F('Y tế'), level: 'commune' }, '2026-08-13 09:00');
  await classify(o.jobs, { fieldId: F('Lao động, việc làm'), level: 'province', leadAgency: 'Sở Nội vụ', outcome: 'resolved' }, '2026-09-16 09:00');
  await classify(o.power, { fieldId: F('Điện, viễn thông, chuyển đổi số'), level: 'other', leadAgency: 'Công ty Điện lực Tuyên Quang', deadline: '2026-10-15' }, '2026-09-16 09:00');
  await classify(o.canal, { fieldId: F('Giao thông, xây dựng, thủy lợi'), level: 'commune', leadAgency: 'UBND xã Hòa Bình', outcome: 'resolved' }, '2026-09-21 09:00');
  await classify(o.reception, { fieldId: F('Đất đai, môi trường'), level: 'province', leadAgency: 'Sở Nông nghiệp và Môi trường', agencies: '["UBND xã Kim Phú"]', deadline: '2026-09-10' }, '2026-08-20 10:00');
  await classify(o.reception, { outcome: 'resolved', responseRef: 'Quyết định số 45/QĐ-UBND ngày 05/9/2026' }, '2026-09-05 15:00');
  await classify(o.letterRepeat, { fieldId: F('Đất đai, môi trường'), level: 'province', leadAgency: 'Sở Nông nghiệp và Môi trường', repeatOfId: o.reception, outcome: 'resolved' }, '2026-09-05 16:00');
  await classify(o.julyLetter, { fieldId: F('Giao thông, xây dựng, thủy lợi'), level: 'commune', leadAgency: 'UBND xã Thái Long', deadline: '2026-08-31' }, '2026-07-21 09:00');
  await classify(o.julyLetter, { outcome: 'resolved' }, '2026-08-25 09:00');
  await classify(o.julyReception, { fieldId: F('Nông nghiệp, lâm nghiệp'), level: 'province', leadAgency: 'Sở Nông nghiệp và Môi trường', deadline: '2026-07-31', outcome: 'in_progress' }, '2026-07-06 09:00');

  // A secretary of none of these sessions.
  const otherSec = await createStaff(t, 'secretary', { assign: false });
  const all: Question[] = [];
  for (const s of [d1.s, d2.s, d3.s]) all.push(...((await app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(mod.token) })).json() as Question[]));
  const get = (q: Question) => all.find((x) => x.id === q.id)!;
  const session = async (s: Session) => (await app.inject({ url: `/api/sessions/${s.id}`, headers: auth(t.adminToken) })).json() as Session;
  return {
    units: { a, b },
    sessions: { s1: await session(d1.s), s2: await session(d2.s), s3: await session(d3.s) },
    q: { road: get(road), fees: get(fees), roadAgain: get(roadAgain), clinic: get(clinic), spam: get(spam), jobs: get(jobs), power: get(power), canal: get(canal) },
    o,
    tokens: { sec: sec.token, mod: mod.token, leader: leader.token, otherSec: otherSec.token },
    usernames: { sec: sec.user.username, leader: leader.user.username },
    fields,
  };
}
