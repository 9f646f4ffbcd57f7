import type { TrackResult } from '../../../shared/schemas/secretariat';
import type { BulkClassifyBody, CreateOpinionBody, Opinion, OpinionsQuery, UpdateOpinionBody } from '../../../shared/schemas/opinions';
import { foldText } from '../../../shared/fields';
import { cleanLineOrNull, cleanMultiline, cleanMultilineOrNull } from '../../../shared/text';
import type { DbPort } from '../../db/port';
import { requireStaff, type Actor, type StaffActor } from '../actor';
import { distinctAgencies, parseAgencyList } from '../agencies';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError, fail } from '../errors';
import type { DomainEvents } from '../events';
import { todayInVietnam } from '../questions/question-view';
import { localities } from '../localities/localities';
import { generateTrackingCode, normalizeTrackingCode } from '../questions/tracking-code';
import type { ReportsService } from '../reports/reports.service';
import type { SessionsService } from '../sessions/sessions.service';
import { OpinionsRepo, reaches, type OpinionJoined, type OpinionRow } from './opinions.repo';
import type { UnitsService } from './units.service';

const SECRETARIAT = ['secretary', 'admin'] as const;
/** Outcomes that end the work on an opinion: past its deadline it is no longer "overdue". */
const CLOSING_OUTCOMES: readonly string[] = ['resolved', 'explained', 'transferred'];
const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** Start of a calendar day in Vietnam, as an ISO instant. */
const vnDayStart = (date: string, plusDays = 0): string => new Date(Date.parse(`${date}T00:00:00Z`) - VN_OFFSET_MS + plusDays * DAY_MS).toISOString();

/** A date (taken as the start of that day in Vietnam) or a date-time; not in the future, not before 2000. */
function receivedInstant(input: string, now = Date.now()): string {
  const v = input.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(vnDayStart(v)) : /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw new DomainError('INVALID_PAYLOAD', 'receivedAt is a date (YYYY-MM-DD) or an ISO date-time');
  if (ms > now + 5 * 60_000) throw new DomainError('INVALID_PAYLOAD', 'receivedAt is in the future');
  if (ms < Date.parse('2000-01-01T00:00:00Z')) throw new DomainError('INVALID_PAYLOAD', 'receivedAt is too far in the past');
  return new Date(ms).toISOString();
}

const validDate = (d: string): string => {
  const ms = Date.parse(`${d}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== d) throw new DomainError('INVALID_PAYLOAD', `${d} is not a date`);
  return d;
};

/** How many opinions reach each one through their repeat links (a chain counts for its first opinion too). */
function repeatCounts(links: Map<number, number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const start of links.keys()) {
    const seen = new Set<number>([start]);
    for (let at = links.get(start); at !== undefined && !seen.has(at); at = links.get(at)) {
      counts.set(at, (counts.get(at) ?? 0) + 1);
      seen.add(at);
    }
  }
  return counts;
}

export function toOpinion(r: OpinionJoined, counts: Map<number, number>, today = todayInVietnam()): Opinion {
  const session = r.questionId !== null;
  const anonymous = Boolean(r.anonymous);
  const answered = session ? Boolean(r.hasPublicAnswer) : r.outcome !== null && Boolean(r.responseRef);
  return {
    id: r.id,
    unitId: r.unitId,
    sessionId: r.sessionId ?? null,
    questionId: r.questionId ?? null,
    questionNumber: r.questionNumber ?? null,
    questionStatus: r.questionStatus ?? null,
    channel: r.channel,
    receivedAt: r.receivedAt,
    text: (session ? r.questionText : r.text) ?? '',
    personName: session ? (anonymous ? null : r.participantName) : r.personName,
    locality: session ? (anonymous ? null : r.participantLocality) : r.locality,
    localityCode: session ? (anonymous ? null : r.participantLocalityCode) : r.localityCode,
    group: session ? (anonymous ? null : r.participantGroup) : r.group,
    fieldId: r.fieldId ?? null,
    field: r.fieldName ?? null,
    level: r.level ?? null,
    leadAgency: r.leadAgency ?? null,
    agencies: parseAgencyList(r.agencies),
    deadline: r.deadline ?? null,
    overdue: r.deadline !== null && r.deadline < today && !CLOSING_OUTCOMES.includes(r.outcome ?? ''),
    answered,
    outcome: r.outcome ?? null,
    outcomeNote: r.outcomeNote ?? null,
    responseRef: r.responseRef ?? null,
    repeatOfId: r.repeatOfId ?? null,
    repeatCount: counts.get(r.id) ?? 0,
    trackingCode: (session ? r.questionTrackingCode : r.trackingCode) ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * The opinions register (ý kiến, kiến nghị): every question of a session
 * once approved or later (made by the questions service in the transaction
 * that moved it, see OpinionsRepo.syncQuestions) and what the secretariat
 * enters from other channels. Who sees what: admins everything; a
 * secretary the opinions of the sessions assigned to it and every entered
 * opinion (entered opinions belong to no session, and the secretariat of
 * the unit handles them together).
 */
export class OpinionsService {
  readonly repo: OpinionsRepo;
  constructor(
    private readonly port: DbPort,
    private readonly events: DomainEvents,
    private readonly sessions: SessionsService,
    private readonly units: UnitsService,
    private readonly reports: ReportsService,
  ) {
    this.repo = new OpinionsRepo(port);
  }

  /** Every approved-or-later question without its opinion gets one (the start's backfill). */
  async backfill(): Promise<number> {
    return this.port.tx(() => this.repo.syncQuestions());
  }

  private async views(rows: OpinionJoined[], unitId?: number): Promise<Opinion[]> {
    const counts = repeatCounts(await this.repo.repeatLinks(unitId));
    const today = todayInVietnam();
    return rows.map((r) => toOpinion(r, counts, today));
  }

  private async one(id: number): Promise<Opinion> {
    const row = (await this.repo.list({ ids: [id] }))[0];
    if (!row) throw new DomainError('NOT_FOUND', `no opinion ${id}`);
    return (await this.views([row], row.unitId))[0]!;
  }

  /** May this secretary or admin act on this opinion? Session opinions: staff of the session only. */
  private async requireOf(actor: Actor, row: OpinionRow): Promise<StaffActor> {
    const staff = requireStaff(actor, SECRETARIAT);
    if (row.sessionId !== null) await this.sessions.requireStaffOf(actor, row.sessionId, SECRETARIAT);
    return staff;
  }

  async list(actor: Actor, q: OpinionsQuery): Promise<Opinion[]> {
    requireStaff(actor, SECRETARIAT);
    if (q.sessionId !== undefined) await this.sessions.requireStaffOf(actor, q.sessionId, SECRETARIAT);
    if (q.from && q.to && q.from > q.to) throw new DomainError('INVALID_PAYLOAD', 'from is after to');
    const scope = await this.sessions.scopeOf(actor);
    let rows = await this.repo.list({
      fromIso: q.from ? vnDayStart(validDate(q.from)) : undefined,
      toIso: q.to ? vnDayStart(validDate(q.to), 1) : undefined,
      unitId: q.unitId,
      sessionId: q.sessionId,
      fieldId: q.fieldId,
      level: q.level,
      outcome: q.outcome,
      source: q.source,
      sessionScope: scope === null ? null : [...scope],
    });
    if (q.agency) {
      const needle = foldText(q.agency);
      rows = rows.filter((r) => [r.leadAgency ?? '', ...parseAgencyList(r.agencies)].some((a) => foldText(a).includes(needle)));
    }
    const views = await this.views(rows);
    return q.overdue === undefined ? views : views.filter((o) => o.overdue === q.overdue);
  }

  async get(actor: Actor, id: number): Promise<Opinion> {
    const row = await this.repo.byId(id);
    if (!row) {
      requireStaff(actor, SECRETARIAT);
      throw new DomainError('NOT_FOUND', `no opinion ${id}`);
    }
    await this.requireOf(actor, row);
    return this.one(id);
  }

  /** An opinion received outside a session (reception day, forum, letter, hotline, online, other). */
  async create(actor: Actor, body: CreateOpinionBody): Promise<Opinion> {
    const staff = requireStaff(actor, SECRETARIAT);
    await this.units.row(body.unitId);
    const text = cleanMultiline(body.text);
    if (!text) throw new DomainError('INVALID_PAYLOAD', 'the opinion has no text');
    const receivedAt = receivedInstant(body.receivedAt);
    if (body.fieldId) await this.units.requireActiveField(body.fieldId);
    const { locality, localityCode } = localities().resolve(body.locality, body.localityCode);
    const row = await this.port.tx(async () => {
      let inserted: OpinionRow | undefined;
      for (let attempt = 1; !inserted; attempt++) {
        let trackingCode = generateTrackingCode();
        while (await this.repo.trackingCodeTaken(trackingCode)) trackingCode = generateTrackingCode();
        const code = trackingCode;
        try {
          // A savepoint of its own: on PostgreSQL a failed statement spoils the transaction, the savepoint undoes only it.
          inserted = await this.port.tx(() =>
            this.repo.insert({
              unitId: body.unitId,
              channel: body.channel,
              receivedAt,
              text,
              personName: cleanLineOrNull(body.personName),
              locality,
              localityCode,
              group: body.group ?? null,
              fieldId: body.fieldId ?? null,
              trackingCode: code,
              createdBy: staff.userId,
            }),
          );
        } catch (err) {
          // The code was free when checked, then another opinion saved at the same moment took it
          // (transactions side by side on PostgreSQL): draw another one.
          if (!this.port.isUniqueViolation(err) || attempt >= 5) throw err;
        }
      }
      await recordAudit(this.port, actor, { action: 'opinion.create', entity: 'opinion', entityId: inserted.id, after: inserted });
      return inserted;
    });
    return this.one(row.id);
  }

  /** Validates a field, level and lead agency for a classification; returns the patch. */
  private async classification(body: Pick<UpdateOpinionBody, 'fieldId' | 'level' | 'leadAgency'>, current?: OpinionRow): Promise<Partial<OpinionRow>> {
    const patch: Partial<OpinionRow> = {};
    if (body.fieldId !== undefined) {
      // A retired field may stay where it is, never be given anew.
      if (body.fieldId !== null && body.fieldId !== current?.fieldId) await this.units.requireActiveField(body.fieldId);
      patch.fieldId = body.fieldId;
    }
    if (body.level !== undefined) patch.level = body.level;
    if (body.leadAgency !== undefined) patch.leadAgency = cleanLineOrNull(body.leadAgency);
    return patch;
  }

  async update(actor: Actor, id: number, body: UpdateOpinionBody): Promise<Opinion> {
    requireStaff(actor, SECRETARIAT);
    const before = await this.repo.byId(id);
    if (!before) throw new DomainError('NOT_FOUND', `no opinion ${id}`);
    await this.requireOf(actor, before);
    const patch = await this.classification(body, before);
    if (body.agencies !== undefined || patch.leadAgency !== undefined) {
      const lead = patch.leadAgency !== undefined ? patch.leadAgency : before.leadAgency;
      const list = body.agencies ?? parseAgencyList(before.agencies);
      patch.agencies = JSON.stringify(distinctAgencies(list, lead ? [lead] : []));
    }
    if (body.deadline !== undefined) patch.deadline = body.deadline === null ? null : validDate(body.deadline);
    if (body.outcome !== undefined) patch.outcome = body.outcome;
    if (body.outcomeNote !== undefined) patch.outcomeNote = cleanMultilineOrNull(body.outcomeNote);
    if (body.responseRef !== undefined) patch.responseRef = cleanLineOrNull(body.responseRef);
    const outcome = patch.outcome !== undefined ? patch.outcome : before.outcome;
    const note = patch.outcomeNote !== undefined ? patch.outcomeNote : before.outcomeNote;
    if (outcome === 'unresolved' && !note) throw new DomainError('INVALID_PAYLOAD', 'an unresolved opinion needs outcomeNote (why)');
    if (body.text !== undefined) {
      if (before.questionId !== null) throw new DomainError('INVALID_PAYLOAD', "a session's opinion keeps its question's text (edit the question)");
      patch.text = cleanMultiline(body.text) || fail('INVALID_PAYLOAD', 'the opinion has no text');
    }
    const linkTo = body.repeatOfId !== undefined && body.repeatOfId !== before.repeatOfId ? body.repeatOfId : undefined;
    if (linkTo !== undefined) {
      if (linkTo !== null) {
        if (linkTo === id) throw new DomainError('INVALID_PAYLOAD', 'an opinion cannot repeat itself');
        const target = await this.repo.byId(linkTo);
        if (!target) throw new DomainError('INVALID_PAYLOAD', `no opinion ${linkTo}`);
        if (target.unitId !== before.unitId) throw new DomainError('INVALID_PAYLOAD', 'a repeat points to an opinion of the same unit');
        if (reaches(await this.repo.repeatLinks(before.unitId), linkTo, id)) {
          throw new DomainError('INVALID_PAYLOAD', 'that would make a loop of repeats');
        }
      }
      patch.repeatOfId = linkTo;
    }
    if (Object.keys(patch).length === 0) return this.one(id);
    const now = nowIso();
    await this.port.tx(async () => {
      const after = await this.repo.update(id, { ...patch, updatedAt: now });
      if (before.questionId !== null && patch.fieldId !== undefined && patch.fieldId !== before.fieldId) {
        await this.repo.setQuestionField(before.questionId, patch.fieldId ?? null, now);
      }
      await recordAudit(this.port, actor, { action: 'opinion.update', entity: 'opinion', entityId: id, sessionId: before.sessionId, before, after });
      if (linkTo !== undefined && linkTo !== null) {
        // Checked again under the lock, last (rows first, then the lock): a link made meanwhile by
        // another transaction may close a loop now; refusing undoes the whole update.
        await this.repo.lockRepeatLinks();
        if (reaches(await this.repo.repeatLinks(before.unitId), linkTo, id)) {
          throw new DomainError('INVALID_PAYLOAD', 'that would make a loop of repeats');
        }
      }
    });
    if (before.questionId !== null && before.sessionId !== null && patch.fieldId !== undefined && patch.fieldId !== before.fieldId) {
      this.events.emit('question:changed', { sessionId: before.sessionId, questionId: before.questionId, created: false });
    }
    return this.one(id);
  }

  /** The same field, level or lead agency for many opinions: all of them, or none (any refusal changes nothing). */
  async bulkClassify(actor: Actor, body: BulkClassifyBody): Promise<Opinion[]> {
    requireStaff(actor, SECRETARIAT);
    const rows = await this.repo.byIds(body.ids);
    if (rows.length !== body.ids.length) {
      const missing = body.ids.find((i) => !rows.some((r) => r.id === i));
      throw new DomainError('NOT_FOUND', `no opinion ${missing}`);
    }
    for (const r of rows) await this.requireOf(actor, r);
    const patch = await this.classification(body);
    if (Object.keys(patch).length === 0) throw new DomainError('INVALID_PAYLOAD', 'give fieldId, level or leadAgency');
    const now = nowIso();
    const touched: { sessionId: number; questionId: number }[] = [];
    await this.port.tx(async () => {
      for (const before of rows) {
        const p: Partial<OpinionRow> = { ...patch };
        if (p.leadAgency !== undefined) p.agencies = JSON.stringify(distinctAgencies(parseAgencyList(before.agencies), p.leadAgency ? [p.leadAgency] : []));
        const after = await this.repo.update(before.id, { ...p, updatedAt: now });
        if (before.questionId !== null && p.fieldId !== undefined && p.fieldId !== before.fieldId) {
          await this.repo.setQuestionField(before.questionId, p.fieldId ?? null, now);
          touched.push({ sessionId: before.sessionId!, questionId: before.questionId });
        }
        await recordAudit(this.port, actor, { action: 'opinion.classify', entity: 'opinion', entityId: before.id, sessionId: before.sessionId, before, after });
      }
    });
    for (const t of touched) this.events.emit('question:changed', { ...t, created: false });
    const byId = new Map((await this.views(await this.repo.list({ ids: body.ids }))).map((o) => [o.id, o]));
    return body.ids.map((i) => byId.get(i)!);
  }

  /**
   * Erases the person of an entered opinion on request (name, locality,
   * group); the opinion stays, as a session's question stays when its asker
   * is erased. A session's opinion is erased through its participant.
   */
  async erasePersonalData(actor: Actor, id: number): Promise<Opinion> {
    requireStaff(actor, SECRETARIAT);
    const before = await this.repo.byId(id);
    if (!before) throw new DomainError('NOT_FOUND', `no opinion ${id}`);
    await this.requireOf(actor, before);
    if (before.questionId !== null) throw new DomainError('INVALID_PAYLOAD', "a session's opinion: erase its participant's personal data");
    const now = nowIso();
    await this.port.tx(async () => {
      await this.repo.update(id, { personName: null, locality: null, localityCode: null, group: null, erasedAt: now, updatedAt: now });
      // Who erased and when, never what.
      await recordAudit(this.port, actor, { action: 'opinion.erase', entity: 'opinion', entityId: id, after: { erasedAt: now } });
    });
    return this.one(id);
  }

  /**
   * GET /api/track/:code: a question (with its place in the register when it
   * is an opinion), or an entered opinion. Never the person.
   */
  async track(code: string): Promise<TrackResult> {
    const normal = normalizeTrackingCode(code);
    const entered = await this.repo.byTrackingCode(normal);
    if (!entered) {
      const result = await this.reports.track(normal);
      const questionId = await this.reports.repo.questionIdByTrackingCode(normal);
      const op = questionId === undefined ? undefined : await this.repo.byQuestion(questionId);
      return { ...result, opinion: op ? await this.publicOpinion(op.id) : null };
    }
    const view = await this.publicOpinion(entered.id);
    return {
      status: view.answered ? 'answered' : 'approved',
      question: { text: entered.text ?? '', topic: null, agency: entered.leadAgency ?? null, createdAt: entered.receivedAt, answeredAt: null, rejectReason: null },
      session: null,
      opinion: view,
      answers: [],
      commitments: [],
      followUp: null,
      mergedInto: null,
    };
  }

  private async publicOpinion(id: number): Promise<NonNullable<TrackResult['opinion']>> {
    const o = await this.one(id);
    return { channel: o.channel, receivedAt: o.receivedAt, field: o.field, outcome: o.outcome, responseRef: o.responseRef, answered: o.answered };
  }
}
