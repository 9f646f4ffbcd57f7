import type { Authority, Conclusions, ConclusionsBody, ConclusionTask } from '../../../shared/schemas/secretariat';
import type { DbPort } from '../../db/port';
import type { ConclusionsData, MinutesData } from '../../export/types';
import { requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError } from '../errors';
import { ConclusionsRepo, type ConclusionsRow } from './conclusions.repo';
import { DEFAULT_AUTHORITY, defaultSubject, draftRecipients, draftTasks } from './conclusions-draft';
import type { ReportsService } from './reports.service';

const EDITORS = ['secretary', 'admin'] as const;

const clean = (s: string): string => s.normalize('NFC').trim();
const cleanBlock = (s: string): string =>
  s
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();

function parse<T>(json: string, fallback: T): T {
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}

/**
 * The conclusion notice as the secretariat writes it. Until something is
 * saved, what is read is a draft: the tasks from the commitments and the
 * deferrals (lead body first), the usual recipients, the office signing on
 * the chair's behalf. Saving keeps exactly what was sent; the draft stays
 * available beside it.
 */
export class ConclusionsService {
  private readonly repo: ConclusionsRepo;

  constructor(
    private readonly port: DbPort,
    private readonly reports: ReportsService,
  ) {
    this.repo = new ConclusionsRepo(port);
  }

  async get(actor: Actor, sessionId: number): Promise<Conclusions> {
    await this.reports.requireEditor(actor, sessionId, EDITORS);
    return this.view(sessionId, await this.repo.get(sessionId));
  }

  async save(actor: Actor, sessionId: number, body: ConclusionsBody): Promise<Conclusions> {
    await this.reports.requireEditor(actor, sessionId, EDITORS);
    const session = await this.reports.sessionRow(sessionId);
    if (session.status === 'archived') throw new DomainError('ILLEGAL_TRANSITION', 'an archived session is read-only');
    const tasks: ConclusionTask[] = body.tasks.map((t) => ({ agency: clean(t.agency), text: cleanBlock(t.text), deadline: t.deadline }));
    for (const t of tasks) {
      if (!t.agency || !t.text) throw new DomainError('INVALID_PAYLOAD', 'every task needs a body and a text');
      if (t.deadline && Number.isNaN(Date.parse(`${t.deadline}T00:00:00Z`))) throw new DomainError('INVALID_PAYLOAD', 'deadline is not a date');
    }
    const recipients = body.recipients.map(clean).filter(Boolean);
    const authority: Authority = {
      mode: body.authority.mode,
      of: clean(body.authority.of),
      position: clean(body.authority.position),
      name: clean(body.authority.name),
    };
    if (!authority.of || !authority.position) throw new DomainError('INVALID_PAYLOAD', 'the authority needs whom it is signed for and the position');
    const subject = body.subject == null ? null : clean(body.subject) || null;
    const before = await this.repo.get(sessionId);
    const row = await this.port.tx(async () => {
      // Again on the row held until COMMIT: an archiving committed since the check above is seen here.
      if ((await this.repo.sessionStatusHeld(sessionId)) === 'archived') throw new DomainError('ILLEGAL_TRANSITION', 'an archived session is read-only');
      const saved = await this.repo.upsert(sessionId, {
        subject,
        assessment: cleanBlock(body.assessment),
        tasks: JSON.stringify(tasks),
        recipients: JSON.stringify(recipients),
        authority: JSON.stringify(authority),
        updatedBy: actor.kind === 'staff' ? actor.userId : null,
        updatedAt: nowIso(),
      });
      await recordAudit(this.port, actor, { action: 'conclusions.save', entity: 'session', entityId: sessionId, sessionId, before: before ?? null, after: saved });
      return saved;
    });
    return this.view(sessionId, row);
  }

  /** The notice's data for DOCX and HTML; the download is on record like every export. */
  async document(actor: Actor, sessionId: number, kind: string): Promise<ConclusionsData> {
    await this.reports.requireEditor(actor, sessionId, EDITORS);
    const data = await this.reports.minutes(actor, sessionId, kind);
    const c = await this.view(sessionId, await this.repo.get(sessionId), data);
    return { ...data, conclusions: { subject: c.subject, assessment: c.assessment, tasks: c.tasks, recipients: c.recipients, authority: c.authority } };
  }

  private async view(sessionId: number, row: ConclusionsRow | undefined, given?: MinutesData): Promise<Conclusions> {
    const data = given ?? (await this.reports.minutesData(sessionId));
    const tasks = draftTasks(data);
    const draft = { tasks, recipients: draftRecipients(data, tasks) };
    const subject = defaultSubject(data);
    if (!row) {
      return {
        sessionId,
        saved: false,
        subject,
        defaultSubject: subject,
        assessment: '',
        tasks: draft.tasks,
        recipients: draft.recipients,
        authority: DEFAULT_AUTHORITY,
        draft,
        updatedAt: null,
      };
    }
    return {
      sessionId,
      saved: true,
      subject: row.subject ?? subject,
      defaultSubject: subject,
      assessment: row.assessment,
      tasks: parse<ConclusionTask[]>(row.tasks, []),
      recipients: parse<string[]>(row.recipients, []),
      authority: parse<Authority>(row.authority, DEFAULT_AUTHORITY),
      draft,
      updatedAt: row.updatedAt,
    };
  }
}
