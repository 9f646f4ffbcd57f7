import { OPINION_CHANNELS, OPINION_LEVELS } from '../../../shared/constants';
import { statutoryDeadlines } from '../../../shared/deadlines';
import { addDays, isCalendarDate, periodWordsVi, presetOf, vnDate, vnDayStart } from '../../../shared/periods';
import type {
  AgencyRow,
  CarryOver,
  OpinionsReport,
  ReportOpinion,
  SessionDeadlines,
} from '../../../shared/schemas/opinions-report';
import type { DbPort } from '../../db/port';
import { agencyKey } from '../agencies';
import { requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { DomainError } from '../errors';
import type { SessionsService } from '../sessions/sessions.service';
import { addOutcome, deadlineOf, doneAtOf, fieldIdOf, isAnswered, leadAgencyOf, matters, toReportOpinion, zeroOutcomes } from './opinion-facts';
import { OpinionsReportRepo, type HeldSession, type OpinionFacts, type UnitRow } from './opinions-report.repo';

/** The register's reports are the secretariat's: they carry citizens' names. */
const REPORTERS = ['secretary', 'admin'] as const;

const chairOf = (s: HeldSession): string | null => {
  if (s.chairName) return [s.chairName, s.chairTitle].map((x) => x?.trim()).filter(Boolean).join(', ');
  return s.chairText?.trim() || null;
};

/** The audience as typed, compared without case, spaces or Unicode form. */
const audienceKey = (s: string): string => agencyKey(s);

const heldOn = (s: HeldSession): string => vnDate(s.startedAt ?? s.startsAt);

/**
 * The opinions register read over a period (the report), across dialogues
 * with the same audience (the carry-over), and the statutory deadlines of a
 * session. Reads only, but for the deadlines' dates.
 */
export class OpinionsReportService {
  readonly repo: OpinionsReportRepo;

  constructor(
    private readonly port: DbPort,
    private readonly sessions: SessionsService,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.repo = new OpinionsReportRepo(port);
  }

  private today(): string {
    return vnDate(this.clock().toISOString());
  }

  /** The unit, or UNIT_NOT_FOUND. */
  async unit(id: number): Promise<UnitRow> {
    const u = await this.repo.unit(id);
    if (!u) throw new DomainError('UNIT_NOT_FOUND', `no unit ${id}`);
    return u;
  }

  // ---- the period report ---------------------------------------------------------------

  /** The period report; `kind` names the file (json, docx, xlsx) for the audit log. */
  async report(actor: Actor, q: { from: string; to: string; unitId: number }, kind = 'opinions.json'): Promise<OpinionsReport> {
    requireStaff(actor, REPORTERS);
    if (!isCalendarDate(q.from) || !isCalendarDate(q.to)) throw new DomainError('INVALID_PERIOD', 'from and to are calendar dates, YYYY-MM-DD');
    if (q.from > q.to) throw new DomainError('INVALID_PERIOD', 'from is after to');
    const unit = await this.unit(q.unitId);
    const report = await this.build(unit, q.from, q.to);
    await recordAudit(this.port, actor, { action: 'export.download', entity: 'unit', entityId: unit.id, after: { kind, from: q.from, to: q.to } });
    return report;
  }

  private async build(unit: UnitRow, from: string, to: string): Promise<OpinionsReport> {
    const fromIso = vnDayStart(from);
    const endIso = vnDayStart(addDays(to, 1));
    const today = this.today();
    const asOf = to < today ? to : today;
    const asOfEndIso = vnDayStart(addDays(asOf, 1));

    const all = await this.repo.opinionsOfUnit(unit.id, endIso);
    const setAt = await this.repo.outcomeSetAt(all.map((o) => o.id));
    const doneAt = new Map(all.map((o) => [o.id, doneAtOf(o, setAt)]));
    const fields = await this.repo.fields();
    const fieldName = (id: number | null): string | null => (id === null ? null : (fields.find((f) => f.id === id)?.name ?? null));

    // ---- the period's opinions, each matter once
    const inPeriod = all.filter((o) => o.receivedAt >= fromIso);
    const countedUnder = matters(inPeriod, all);
    const counted = inPeriod.filter((o) => countedUnder.get(o.id) === o.id);

    const dialogues = (await this.repo.heldSessions(unit.id, fromIso, endIso)).map((s) => ({
      sessionId: s.id,
      title: s.title,
      date: heldOn(s),
      chair: chairOf(s),
      audience: s.audience,
      audienceGroup: (s.audienceGroup as OpinionsReport['overview']['dialogues'][number]['audienceGroup']) ?? null,
      attendance: s.attendance ?? null,
      joined: s.joined,
      participants: s.attendance ?? s.joined,
      opinions: inPeriod.filter((o) => o.sessionId === s.id).length,
    }));

    const byChannel = OPINION_CHANNELS.map((channel) => ({ channel, count: inPeriod.filter((o) => o.channel === channel).length })).filter(
      (c) => c.count > 0,
    );
    const liveOnly = (o: OpinionFacts) =>
      o.questionStatus !== 'deferred' &&
      (o.questionStatus === 'answered' || o.questionStatus === 'on_stage' || (o.questionStatus === 'approved' && o.liveAnsweredAt !== null));

    // ---- field × outcome, level × outcome
    const fieldRows = new Map<number | null, ReturnType<typeof zeroOutcomes>>();
    for (const f of fields) if (f.active) fieldRows.set(f.id, zeroOutcomes());
    const levelRows = new Map<string | null, ReturnType<typeof zeroOutcomes>>([...OPINION_LEVELS, null].map((l) => [l, zeroOutcomes()]));
    const fieldTotals = zeroOutcomes();
    const levelTotals = zeroOutcomes();
    for (const o of counted) {
      const fid = fieldIdOf(o);
      const fk = fid !== null && fields.some((f) => f.id === fid) ? fid : null;
      if (!fieldRows.has(fk)) fieldRows.set(fk, zeroOutcomes());
      addOutcome(fieldRows.get(fk)!, o.outcome);
      addOutcome(fieldTotals, o.outcome);
      const lk = o.level && (OPINION_LEVELS as readonly string[]).includes(o.level) ? o.level : null;
      addOutcome(levelRows.get(lk)!, o.outcome);
      addOutcome(levelTotals, o.outcome);
    }
    if (!fieldRows.has(null)) fieldRows.set(null, zeroOutcomes());
    const fieldOrder = (id: number | null) => (id === null ? Number.MAX_SAFE_INTEGER : (fields.find((f) => f.id === id)?.position ?? 0));
    const byField = {
      rows: [...fieldRows]
        .sort(([a], [b]) => fieldOrder(a) - fieldOrder(b) || (a ?? 0) - (b ?? 0))
        .map(([key, counts]) => ({ key, label: fieldName(key), counts })),
      totals: fieldTotals,
    };
    const byLevel = { rows: [...levelRows].map(([key, counts]) => ({ key, label: null, counts })), totals: levelTotals };

    // ---- agency × (assigned, on time, late, outstanding), judged on `asOf`
    const agencies = new Map<string | null, AgencyRow>();
    const agencyTotals: AgencyRow = { agency: null, assigned: 0, onTime: 0, late: 0, outstanding: 0, overdue: 0 };
    for (const o of counted) {
      const lead = leadAgencyOf(o);
      const key = lead === null ? null : agencyKey(lead);
      if (!agencies.has(key)) agencies.set(key, { agency: lead, assigned: 0, onTime: 0, late: 0, outstanding: 0, overdue: 0 });
      const row = agencies.get(key)!;
      const deadline = deadlineOf(o);
      const done = doneAt.get(o.id);
      const cell: keyof AgencyRow =
        done && done < asOfEndIso ? (deadline && vnDate(done) > deadline ? 'late' : 'onTime') : 'outstanding';
      for (const r of [row, agencyTotals]) {
        r.assigned += 1;
        r[cell] += 1;
        if (cell === 'outstanding' && deadline && deadline < asOf) r.overdue += 1;
      }
    }
    const byAgency = {
      rows: [...agencies.values()].sort(
        (a, b) => Number(a.agency === null) - Number(b.agency === null) || b.assigned - a.assigned || (a.agency ?? '').localeCompare(b.agency ?? '', 'vi'),
      ),
      totals: agencyTotals,
    };

    // ---- the annex
    const opinions: ReportOpinion[] = inPeriod.map((o) => {
      const under = countedUnder.get(o.id)!;
      return toReportOpinion(o, fieldName, doneAt.get(o.id) ?? null, under === o.id ? null : under);
    });

    // ---- carried over: received before `from`, not dealt with on `from`
    const openOnFrom = (o: OpinionFacts) => {
      const done = doneAt.get(o.id) ?? null;
      return done === null || done >= fromIso;
    };
    const earlier = all.filter((o) => o.receivedAt < fromIso && openOnFrom(o));
    const earlierUnder = matters(earlier, all);
    const carried = earlier.filter((o) => earlierUnder.get(o.id) === o.id);
    const carryOutcomes = zeroOutcomes();
    let outstanding = 0;
    let overdue = 0;
    const carriedRows = carried.map((o) => {
      const done = doneAt.get(o.id) ?? null;
      const dealt = done !== null && done < endIso;
      if (dealt) addOutcome(carryOutcomes, o.outcome);
      else {
        outstanding += 1;
        const d = deadlineOf(o);
        if (d && d < asOf) overdue += 1;
      }
      return { ...toReportOpinion(o, fieldName, dealt ? done : null, null), state: dealt ? ('dealt_with' as const) : ('outstanding' as const) };
    });

    const period = { from, to };
    return {
      unit: { id: unit.id, name: unit.name, abbreviation: unit.abbreviation, level: unit.level, parentName: unit.parentName ?? null, place: unit.place },
      period: { ...period, preset: presetOf(period).preset, words: periodWordsVi(period) },
      asOf,
      generatedAt: this.clock().toISOString(),
      overview: {
        dialogues,
        participants: dialogues.reduce((n, d) => n + d.participants, 0),
        received: inPeriod.length,
        byChannel,
        fromDialogues: inPeriod.filter((o) => o.sessionId !== null).length,
        fromOtherChannels: inPeriod.filter((o) => o.sessionId === null).length,
        repeats: inPeriod.length - counted.length,
        afterMerging: counted.length,
        answeredOnSpot: counted.filter(liveOnly).length,
        deferred: counted.filter((o) => o.questionStatus === 'deferred').length,
        answered: counted.filter(isAnswered).length,
      },
      byField,
      byLevel,
      byAgency,
      opinions,
      carryOver: {
        count: carried.length,
        dealtWith: carryOutcomes.total,
        byOutcome: carryOutcomes,
        outstanding,
        overdue,
        opinions: carriedRows,
      },
    };
  }

  // ---- carry-over at the next dialogue -------------------------------------------------

  /**
   * The earlier dialogues of the same unit with the same audience (by the
   * audience group when the session has one other than 'other', earlier
   * sessions without a group matched by the audience as typed; otherwise by
   * the audience as typed), newest first: the last one in full (its
   * commitments and opinions with their outcomes), older ones only with what
   * is still open.
   */
  async carryOver(actor: Actor, sessionId: number): Promise<CarryOver> {
    await this.sessions.requireStaffOf(actor, sessionId);
    return this.carryOverData(sessionId);
  }

  /** Without authorization: for the minutes, which check their own. */
  async carryOverData(sessionId: number): Promise<CarryOver> {
    const s = await this.sessions.row(sessionId);
    const today = this.today();
    const byGroup = s.audienceGroup !== null && s.audienceGroup !== undefined && s.audienceGroup !== 'other';
    const key = audienceKey(s.audience);
    const candidates = await this.repo.earlierSessions(s.id, s.unitId ?? null, s.startedAt ?? s.startsAt);
    const earlier = candidates.filter((c) =>
      byGroup ? c.audienceGroup === s.audienceGroup || (c.audienceGroup === null && audienceKey(c.audience) === key) : key !== '' && audienceKey(c.audience) === key,
    );
    const ids = earlier.map((e) => e.id);
    const ops = await this.repo.opinionsOfSessions(ids);
    const setAt = await this.repo.outcomeSetAt(ops.map((o) => o.id));
    const commitments = (await this.repo.commitmentsOf(ids)).filter((c) => c.published);
    const fieldsList = await this.repo.fields();
    const fieldName = (id: number | null): string | null => (id === null ? null : (fieldsList.find((f) => f.id === id)?.name ?? null));
    const totals = { commitments: 0, commitmentsDone: 0, opinions: 0, resolved: 0, outstanding: 0 };
    const dialogues: CarryOver['dialogues'] = [];
    earlier.forEach((e, k) => {
      const full = k === 0;
      const own = ops.filter((o) => o.sessionId === e.id);
      const under = matters(own, own);
      const listed = own
        .filter((o) => under.get(o.id) === o.id)
        .map((o) => toReportOpinion(o, fieldName, doneAtOf(o, setAt), null))
        .filter((o) => full || o.doneDate === null);
      const cs = commitments
        .filter((c) => c.sessionId === e.id)
        .map((c) => ({
          questionNumber: c.questionNumber,
          questionText: c.questionText,
          text: c.text,
          agency: c.agency,
          deadline: c.deadline,
          status: c.status as 'open' | 'in_progress' | 'done',
          overdue: c.status !== 'done' && c.deadline !== null && c.deadline < today,
        }))
        .filter((c) => full || c.status !== 'done');
      if (!full && listed.length === 0 && cs.length === 0) return;
      totals.commitments += cs.length;
      totals.commitmentsDone += cs.filter((c) => c.status === 'done').length;
      totals.opinions += listed.length;
      totals.resolved += listed.filter((o) => o.doneDate !== null).length;
      totals.outstanding += listed.filter((o) => o.doneDate === null).length;
      dialogues.push({ sessionId: e.id, title: e.title, date: heldOn(e), chair: chairOf(e), audience: e.audience, full, commitments: cs, opinions: listed });
    });
    return { sessionId, matchedBy: earlier.length === 0 ? null : byGroup ? 'audienceGroup' : 'audience', dialogues, totals };
  }

  // ---- statutory deadlines ----------------------------------------------------------------

  async deadlines(actor: Actor, sessionId: number): Promise<SessionDeadlines> {
    await this.sessions.requireStaffOf(actor, sessionId);
    return this.deadlinesOf(sessionId);
  }

  private async deadlinesOf(sessionId: number): Promise<SessionDeadlines> {
    const s = await this.sessions.row(sessionId);
    const unitLevel = s.unitId ? ((await this.repo.unit(s.unitId))?.level ?? null) : null;
    const input = {
      audienceGroup: s.audienceGroup ?? null,
      unitLevel,
      startsAt: s.startsAt,
      startedAt: s.startedAt ?? null,
      closedAt: s.closedAt ?? null,
      planPublishedAt: s.planPublishedAt ?? null,
      announcedAt: s.announcedAt ?? null,
      resultsPublishedAt: s.resultsPublishedAt ?? null,
    };
    return {
      sessionId,
      audienceGroup: input.audienceGroup,
      unitLevel: unitLevel as SessionDeadlines['unitLevel'],
      planPublishedAt: input.planPublishedAt ? vnDate(input.planPublishedAt) : null,
      announcedAt: input.announcedAt ? vnDate(input.announcedAt) : null,
      resultsPublishedAt: input.resultsPublishedAt ? vnDate(input.resultsPublishedAt) : null,
      items: statutoryDeadlines(input, this.today()),
    };
  }
}

