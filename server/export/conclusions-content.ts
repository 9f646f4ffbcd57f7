import { chairTitle, sessionPhrase } from '../domain/reports/conclusions-draft';
import { b, body, bullet, i, keepWithNext, r, section, textParagraphs, type Block, type OfficialDocument } from './blocks';
import { orgInText, placeDateLine, seatLine, signatureName, upper, vnDateWords, vnDay, vnParts } from './format';
import { outcomesSentence } from './minutes-content';
import type { ConclusionsData } from './types';

const deadlineText = (deadline: string | null): string => (deadline ? `; thời hạn hoàn thành: trước ngày ${vnDay(deadline)}` : '');
const endWith = (text: string, mark: string): string => text.trim().replace(/[.;,:\s]+$/u, '') + mark;

/**
 * The conclusion notice ("thông báo kết luận"): a short account of the
 * session, the assessment and the numbered tasks per body as the
 * secretariat wrote them (drafted from the commitments and deferrals, then
 * edited), signed on the authority the secretariat chose.
 */
export function conclusionsDocument(d: ConclusionsData): OfficialDocument {
  const s = d.session;
  const c = d.conclusions;
  const blocks: Block[] = [];
  const date = vnDateWords(vnParts(s.startedAt ?? s.startsAt));
  const chair = chairTitle(d);
  const by = d.chair ? `${chair} ${d.chair.name.trim()}` : chair;
  const members = d.panel.filter((p) => p.role === 'member').map(seatLine);
  const citizens = s.attendance ? `cùng ${s.attendance} công dân` : 'cùng đại diện công dân';

  blocks.push(
    body(
      r(
        `Ngày ${date.replace(/^ngày /, '')}${s.place ? `, tại ${s.place}` : ''}, ${by} chủ trì ${sessionPhrase(s.title)}. ` +
          (members.length ? `Tham dự hội nghị có: ${members.join('; ')}; ${citizens}.` : `Tham dự hội nghị có ${citizens.replace(/^cùng /, '')}.`),
      ),
    ),
  );
  blocks.push(body(r(outcomesSentence(d.outcomes))));
  blocks.push(
    body(r(`Sau khi nghe ý kiến, kiến nghị của công dân và ý kiến trả lời của các cơ quan, đơn vị, ${chair} kết luận như sau:`)),
  );

  blocks.push(section('1. Đánh giá chung'));
  const assessment = textParagraphs(c.assessment);
  blocks.push(...(assessment.length ? assessment : [body(r('…'))]));

  blocks.push(section(`2. ${chair} giao:`));
  const byAgency = new Map<string, typeof c.tasks>();
  for (const t of c.tasks) byAgency.set(t.agency.trim(), [...(byAgency.get(t.agency.trim()) ?? []), t]);
  if (byAgency.size === 0) blocks.push(body(i('Không có nhiệm vụ.')));
  let n = 0;
  for (const [agency, tasks] of byAgency) {
    n += 1;
    if (tasks.length === 1) {
      const t = tasks[0]!;
      blocks.push(body(b(`2.${n}. ${agency}: `), r(endWith(`${endWith(t.text, '')}${deadlineText(t.deadline)}`, '.'))));
      continue;
    }
    blocks.push(keepWithNext(body(b(`2.${n}. ${agency}:`))));
    tasks.forEach((t, k) => {
      const last = k === tasks.length - 1;
      blocks.push(bullet(r(`- ${endWith(`${endWith(t.text, '')}${deadlineText(t.deadline)}`, last ? '.' : ';')}`)));
    });
  }

  blocks.push(keepWithNext(body(r(`${orgInText(d.orgName)} thông báo để các cơ quan, đơn vị, cá nhân có liên quan biết, thực hiện./.`))));

  const a = c.authority;
  return {
    orgName: d.orgName,
    parentName: d.orgParentName ?? null,
    numberLine: `Số:        /TB-${d.orgAbbreviation}`,
    placeDate: placeDateLine(d.placeName, s.closedAt ?? s.startedAt ?? s.startsAt),
    kind: 'THÔNG BÁO',
    subject: c.subject,
    blocks,
    signatures: {
      left: null,
      right: { lines: [upper(`${a.mode}. ${a.of.trim()}`), upper(a.position.trim())], note: null, name: signatureName({ name: a.name }) },
    },
    recipients: c.recipients,
  };
}
