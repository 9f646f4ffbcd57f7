import type { Question, Session } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, joinSession, setStatus, type TestApp } from './app';

/**
 * A full dialogue as the clerk of issue 16 read it, through the real API:
 * seats for the chair and the secretary, 15 questions with every outcome
 * (4 answered live, 4 deferred, 3 rejected for three reasons, 1 merged, 1
 * not reached, 1 withdrawn, 1 never moderated), line breaks in questions and
 * answers, an edited question, deferrals with a lead body and supporting
 * bodies (one deferred by the secretariat itself), the attendance and the
 * chair's closing remarks entered by the secretary. No vitest import: the
 * document render script uses it too.
 */
export interface FullDialogue {
  session: Session;
  tokens: { mod: string; sec: string; leader: string };
  q: Record<
    | 'homework'
    | 'road'
    | 'loan'
    | 'dupRoad'
    | 'offTopic'
    | 'abusive'
    | 'fees'
    | 'clinic'
    | 'power'
    | 'irrigation'
    | 'jobs'
    | 'sport'
    | 'late'
    | 'withdrawn'
    | 'pending',
    Question
  >;
}

export const FULL_TITLE = 'Hội nghị đối thoại giữa Chủ tịch UBND tỉnh với thanh niên năm 2026';

function check(res: { statusCode: number; body: string }, what: string): void {
  if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
}

export async function runFullDialogue(t: TestApp): Promise<FullDialogue> {
  const app = t.app;
  const mod = await createStaff(t, 'moderator');
  const sec = await createStaff(t, 'secretary');
  const leader = await createStaff(t, 'leader');
  const session = await createSession(t, 'live', {
    title: FULL_TITLE,
    audience: 'Thanh niên',
    place: 'Hội trường Trung tâm Hội nghị tỉnh',
    moderation: 'pre',
    // The old free-text fields, as a clerk typed them: the seats win over them.
    chair: 'Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh',
    secretary: 'Bà Lê Thị Hạnh, Phó Chánh Văn phòng UBND tỉnh',
    panel: [
      { name: 'Ông Nguyễn Văn Sơn', title: 'Chủ tịch UBND tỉnh', role: 'chair' },
      { name: 'Ông Trần Quốc Việt', title: 'Giám đốc Sở Nông nghiệp và Môi trường', role: 'member' },
      { name: 'Bà Phạm Thu Trang', title: 'Giám đốc Sở Giáo dục và Đào tạo', role: 'member' },
      { name: 'Ông Hoàng Minh Đức', title: 'Giám đốc Sở Xây dựng', role: 'member' },
      { name: 'Bà Lê Thị Hạnh', title: 'Phó Chánh Văn phòng UBND tỉnh', role: 'secretary' },
    ],
  });
  const people = await Promise.all(
    [
      { displayName: 'Nguyễn Thị Lan', locality: 'Phường Minh Xuân', group: 'youth' },
      { displayName: 'Trần Văn Bình', locality: 'Xã Hòa Bình', group: 'farmer' },
      { displayName: 'Phạm Thị Cúc', locality: 'Xã Kim Phú', group: 'youth' },
      { displayName: 'Đỗ Đức Dũng', locality: 'Xã Kim Phú', group: 'business' },
      { displayName: 'Lý Văn Em', locality: 'Xã Thái Long', group: 'worker' },
    ].map((p) => joinSession(t, session.code, p)),
  );
  const [lan, binh, cuc, dung, em] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0], (typeof people)[0], (typeof people)[0]];

  const submit = async (who: { token: string }, text: string, anonymous = false): Promise<Question> => {
    const res = await app.inject({ method: 'POST', url: `/api/sessions/${session.id}/questions`, headers: auth(who.token), payload: { text, anonymous } });
    check(res, 'submit');
    return res.json();
  };
  const act = async (token: string, id: number, body: Record<string, unknown>): Promise<void> => {
    check(await app.inject({ method: 'POST', url: `/api/questions/${id}/moderate`, headers: auth(token), payload: body }), `moderate ${String(body.action)}`);
  };
  const moderate = (id: number, body: Record<string, unknown>) => act(mod.token, id, body);
  const answer = async (id: number, body: Record<string, unknown>): Promise<void> => {
    check(await app.inject({ method: 'POST', url: `/api/questions/${id}/answers`, headers: auth(sec.token), payload: body }), 'answer');
  };

  // 15 questions, in the order they came in: their numbers in the session are 1 to 15.
  const homework = await submit(lan, 'Em có hai câu hỏi:\n1. Tỉnh có chính sách gì hỗ trợ thanh niên khởi nghiệp nông nghiệp công nghệ cao?\n2. Thủ tục vay vốn có thể rút ngắn không?');
  const road = await submit(binh, 'Khi nào đường liên xã Hòa Bình - Kim Phú được sửa?');
  const loan = await submit(cuc, 'Thanh niên khởi nghiệp được vay vốn ưu đãi như thế nào?');
  const dupRoad = await submit(dung, 'Đường liên xã bao giờ sửa?');
  const offTopic = await submit(dung, 'Giá vàng tuần sau thế nào?');
  const abusive = await submit(em, 'Câu hỏi có lời lẽ không phù hợp');
  const fees = await submit(cuc, '=HYPERLINK("http://x") Học phí năm học mới có tăng không, thưa lãnh đạo?', true);
  const clinic = await submit(em, 'Trạm y tế xã Thái Long thiếu bác sĩ, khi nào được bổ sung?');
  const power = await submit(binh, 'Lưới điện thôn Đồng Mới chập chờn, đề nghị cải tạo.');
  const irrigation = await submit(lan, 'Kênh mương nội đồng xuống cấp, đề nghị hỗ trợ kiên cố hóa.');
  const jobs = await submit(em, 'Tỉnh có kế hoạch đào tạo nghề cho thanh niên sau xuất ngũ không?');
  const sport = await submit(dung, 'Đề nghị xây sân thể thao cho thanh niên xã Kim Phú.');
  const late = await submit(lan, 'Tỉnh có hỗ trợ thanh niên làm du lịch cộng đồng không?');
  const withdrawn = await submit(binh, 'Tôi xin rút câu hỏi này.');
  const pending = await submit(cuc, '-5% thuế cho hộ kinh doanh có được không?');

  for (const q of [homework, road, loan, fees, clinic, power, irrigation, jobs, sport, late, withdrawn]) await moderate(q.id, { action: 'approve' });
  await moderate(fees.id, { action: 'tag', topic: 'Giáo dục' });
  await moderate(clinic.id, { action: 'tag', topic: 'Y tế' });
  await moderate(road.id, { action: 'edit', text: 'Khi nào đường liên xã Hòa Bình - Kim Phú được sửa chữa, nâng cấp?' });
  await moderate(dupRoad.id, { action: 'reject', reason: 'duplicate' });
  await moderate(offTopic.id, { action: 'reject', reason: 'off_topic' });
  await moderate(abusive.id, { action: 'reject', reason: 'abusive' });
  await moderate(loan.id, { action: 'merge', targetId: homework.id });
  check(await app.inject({ method: 'DELETE', url: `/api/questions/${withdrawn.id}`, headers: auth(binh.token) }), 'withdraw');

  // Who answered is a panel seat: found by the name before the comma.
  const seatOf = (who: string): number => {
    const seat = session.panel.find((p) => p.name === who.split(',')[0]!.trim());
    if (!seat) throw new Error(`no panel seat for ${who}`);
    return seat.id;
  };
  const live = async (q: Question, text: string, answeredBy: string, commitments?: unknown[]) => {
    await moderate(q.id, { action: 'stage' });
    await answer(q.id, { kind: 'live', text, panelSeatId: seatOf(answeredBy), ...(commitments && { commitments }) });
    await moderate(q.id, { action: 'answered' });
  };
  await live(
    homework,
    'Về câu thứ nhất: tỉnh hỗ trợ lãi suất vay và đất thuê cho dự án của thanh niên.\nVề câu thứ hai: Ngân hàng Chính sách xã hội sẽ rút thời gian xét duyệt còn 10 ngày.',
    'Ông Trần Quốc Việt, Giám đốc Sở Nông nghiệp và Môi trường',
    [{ text: 'Ban hành hướng dẫn hỗ trợ thanh niên khởi nghiệp', agency: 'Sở Nông nghiệp và Môi trường', deadline: '2027-03-31' }],
  );
  await live(road, 'Tuyến đường đã có trong kế hoạch đầu tư công năm 2027.', 'Ông Hoàng Minh Đức, Giám đốc Sở Xây dựng', [
    { text: 'Khởi công nâng cấp đường liên xã Hòa Bình - Kim Phú', agency: 'Sở Xây dựng', deadline: '2027-06-30' },
  ]);
  await live(jobs, 'Tỉnh dành 2.000 suất học nghề miễn phí mỗi năm cho thanh niên xuất ngũ.', 'Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh', [
    { text: 'Mở lớp đào tạo nghề cho thanh niên xuất ngũ', agency: 'Sở Nội vụ', deadline: '2027-04-30' },
    { text: 'Giới thiệu việc làm sau đào tạo', agency: 'Sở Nội vụ ', deadline: null },
  ]);
  await live(sport, 'Xã Kim Phú được bố trí vốn xây sân thể thao trong năm 2027.', 'Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh');
  await live(irrigation, 'Tỉnh hỗ trợ xi măng cho kênh mương nội đồng theo Nghị quyết của HĐND tỉnh.', 'Ông Trần Quốc Việt, Giám đốc Sở Nông nghiệp và Môi trường');

  // Deferred: by the secretariat itself, with supporting bodies (the lead repeated among them, to be dropped).
  await act(sec.token, fees.id, {
    action: 'defer',
    agency: 'Sở Giáo dục và Đào tạo',
    supportingAgencies: ['Sở Tài chính', 'Sở Giáo dục và Đào tạo', ' Sở  Tài chính '],
    deadline: '2027-01-15',
  });
  await moderate(clinic.id, { action: 'defer', agency: 'Sở Y tế', deadline: '2027-01-31' });
  await act(sec.token, power.id, { action: 'defer', agency: 'Công ty Điện lực Tuyên Quang', supportingAgencies: ['Sở Công Thương', 'UBND xã Hòa Bình'], deadline: '2027-02-15' });
  await moderate(late.id, { action: 'stage' });
  await moderate(late.id, { action: 'unstage' });

  // Entered by the secretary: the people in the hall and the chair's closing remarks.
  check(
    await app.inject({
      method: 'PATCH',
      url: `/api/sessions/${session.id}/minutes-notes`,
      headers: auth(sec.token),
      payload: {
        attendance: 312,
        closingRemarks:
          'Chủ tịch UBND tỉnh đánh giá cao tinh thần thẳng thắn của các bạn thanh niên.\n1. Các sở, ngành trả lời bằng văn bản đúng thời hạn.\n2. Văn phòng UBND tỉnh theo dõi, đôn đốc.',
      },
    }),
    'minutes notes',
  );
  const closed = await setStatus(t, session.id, 'closed');
  // Deferral goes on after closing (not reached in the hall, answered in writing).
  await act(sec.token, irrigation.id, { action: 'defer', agency: 'Sở Nông nghiệp và Môi trường', supportingAgencies: ['Sở Tài chính'], deadline: '2027-02-28' });

  const all: Question[] = (await app.inject({ url: `/api/sessions/${session.id}/questions`, headers: auth(mod.token) })).json();
  const get = (q: Question) => all.find((x) => x.id === q.id)!;
  return {
    session: closed,
    tokens: { mod: mod.token, sec: sec.token, leader: leader.token },
    q: {
      homework: get(homework),
      road: get(road),
      loan: get(loan),
      dupRoad: get(dupRoad),
      offTopic: get(offTopic),
      abusive: get(abusive),
      fees: get(fees),
      clinic: get(clinic),
      power: get(power),
      irrigation: get(irrigation),
      jobs: get(jobs),
      sport: get(sport),
      late: get(late),
      withdrawn: get(withdrawn),
      pending: get(pending),
    },
  };
}
