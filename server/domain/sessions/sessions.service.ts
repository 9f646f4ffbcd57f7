import type { PanelMember, Session } from '../../../shared/schemas/entities';
import type { CreateSessionBody, PanelMemberInput, UpdateSessionBody } from '../../../shared/schemas/requests';
import type { DbPort } from '../../db/port';
import type { Role } from '../../../shared/schemas/enums';
import type { User } from '../../../shared/schemas/entities';
import { requireParticipant, requireStaff, SYSTEM, type Actor, type ParticipantActor, type StaffActor } from '../actor';
import { toUser } from '../users/users.service';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError, fail } from '../errors';
import type { DomainEvents } from '../events';
import { generateJoinCode } from './join-code';
import { canMove } from './lifecycle';
import { changeSessionStatus } from './status-lock';
import { SessionsRepo, type PanelRow, type SessionRow } from './sessions.repo';
import { cleanLine, cleanLineOrNull, cleanMultilineOrNull } from '../../../shared/text';

const toPanelMember = (p: PanelRow): PanelMember => ({
  id: p.id,
  name: p.name,
  title: p.title ?? null,
  agency: p.agency ?? null,
  role: p.role,
  userId: p.userId ?? null,
});

export const toSession = (s: SessionRow, panel: PanelRow[]): Session => ({
  id: s.id,
  title: s.title,
  audience: s.audience,
  description: s.description ?? null,
  place: s.place ?? null,
  startsAt: s.startsAt,
  status: s.status,
  code: s.code,
  moderation: s.moderation,
  anonymousAllowed: s.anonymousAllowed,
  maxQuestionLength: s.maxQuestionLength,
  preSubmissionOpensAt: s.preSubmissionOpensAt ?? null,
  chair: s.chair ?? null,
  secretary: s.secretary ?? null,
  panel: panel.filter((p) => p.sessionId === s.id).map(toPanelMember),
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
  version: s.version,
  startedAt: s.startedAt ?? null,
  closedAt: s.closedAt ?? null,
  attendance: s.attendance ?? null,
  closingRemarks: s.closingRemarks ?? null,
  retentionDays: s.retentionDays,
  contactsEraseAt: contactsEraseAt(s),
  contactsErasedAt: s.contactsErasedAt ?? null,
  unitId: s.unitId ?? null,
  audienceGroup: s.audienceGroup ?? null,
  planPublishedAt: s.planPublishedAt ?? null,
  announcedAt: s.announcedAt ?? null,
  resultsPublishedAt: s.resultsPublishedAt ?? null,
});

/** What the session's secretary may change besides an admin: the statutory checklist's dates. */
const CHECKLIST_KEYS = ['planPublishedAt', 'announcedAt', 'resultsPublishedAt'] as const;

const checkDate = (d: string | null | undefined): string | null => {
  if (d == null) return null;
  const ms = Date.parse(`${d}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== d) throw new DomainError('INVALID_PAYLOAD', `${d} is not a date`);
  return d;
};

/** Where sessions find their organising unit (the units service). */
export interface UnitDirectory {
  /** The first unit, made from the settings when there is none. */
  ensureDefault(): Promise<{ id: number }>;
  /** The unit, or 400 INVALID_PAYLOAD. */
  row(id: number): Promise<{ id: number }>;
}

const DAY_MS = 24 * 60 * 60_000;

/** When a session's contact details are due for erasure: `retentionDays` after it closed. */
export const contactsEraseAt = (s: Pick<SessionRow, 'closedAt' | 'retentionDays'>): string | null =>
  s.closedAt ? new Date(Date.parse(s.closedAt) + s.retentionDays * DAY_MS).toISOString() : null;

const normIso = (v: string): string => new Date(v).toISOString();
const trimOrNull = cleanLineOrNull;
const required = (v: string): string => cleanLine(v) || fail('INVALID_PAYLOAD', 'a required field is empty once invisible characters are removed');
const panelInput = (m: PanelMemberInput) => ({
  ...(m.id !== undefined && { id: m.id }),
  name: required(m.name),
  title: trimOrNull(m.title),
  agency: trimOrNull(m.agency),
  role: m.role ?? ('member' as const),
  userId: m.userId ?? null,
});

/** One chair and one secretary at most: they sign the minutes. */
function checkSeats(panel: readonly PanelMemberInput[] | undefined): void {
  if (!panel) return;
  for (const role of ['chair', 'secretary'] as const) {
    if (panel.filter((m) => m.role === role).length > 1) throw new DomainError('INVALID_PAYLOAD', `the panel has more than one ${role}`);
  }
}

export class SessionsService {
  readonly repo: SessionsRepo;
  private units: UnitDirectory | null = null;
  constructor(
    private readonly port: DbPort,
    private readonly events: DomainEvents,
  ) {
    this.repo = new SessionsRepo(port);
  }

  /** Wired once by createServices (the units service is built after this one). */
  useUnits(units: UnitDirectory): void {
    this.units = units;
  }

  private async unitFor(unitId: number | undefined): Promise<number | null> {
    if (!this.units) return unitId ?? null;
    return unitId !== undefined ? (await this.units.row(unitId)).id : (await this.units.ensureDefault()).id;
  }

  /** The row, or SESSION_NOT_FOUND. No authorization: for other services. */
  async row(id: number): Promise<SessionRow> {
    const row = await this.repo.byId(id);
    if (!row) throw new DomainError('SESSION_NOT_FOUND', `no session ${id}`);
    return row;
  }

  /** Reads the panel: async. `toSession` shapes a row with a panel already read. */
  async view(row: SessionRow): Promise<Session> {
    return toSession(row, await this.repo.panelOf([row.id]));
  }

  // ---- who may act on which session ----------------------------------------

  /**
   * Staff of one of `roles` who may act on this session: admins everywhere,
   * everyone else only where assigned (a leader also where seated on the
   * panel). The session must exist; an unknown one is 404 before 403, so ids
   * cannot be probed for anything but existence.
   */
  async requireStaffOf(actor: Actor, sessionId: number, roles?: readonly Role[]): Promise<StaffActor> {
    const staff = requireStaff(actor, roles);
    await this.row(sessionId);
    if (staff.role !== 'admin' && !(await this.repo.isStaffOf(sessionId, staff.userId))) {
      throw new DomainError('NOT_ASSIGNED', `not assigned to session ${sessionId}`);
    }
    return staff;
  }

  /**
   * The venue a staff member may see and act on in this session: a venue
   * moderator's own venue, or null for the whole session (admins, and staff
   * assigned without a venue). Call after requireStaffOf.
   */
  async venueScope(actor: Actor, sessionId: number): Promise<number | null> {
    if (actor.kind !== 'staff' || actor.role === 'admin') return null;
    return this.repo.venueScopeOf(sessionId, actor.userId);
  }

  /** Assigned staff, or a participant of this very session. */
  async requireMemberOf(actor: Actor, sessionId: number): Promise<StaffActor | ParticipantActor> {
    if (actor.kind === 'staff') return this.requireStaffOf(actor, sessionId);
    return requireParticipant(actor, sessionId);
  }

  /** The sessions a staff member may see, or `null` for all (admins). */
  async scopeOf(actor: Actor): Promise<Set<number> | null> {
    const staff = requireStaff(actor);
    return staff.role === 'admin' ? null : new Set(await this.repo.sessionIdsOf(staff.userId));
  }

  async staff(actor: Actor, sessionId: number): Promise<{ staff: User[]; venues: { userId: number; venueId: number }[] }> {
    await this.requireStaffOf(actor, sessionId);
    return { staff: (await this.repo.staffOf(sessionId)).map(toUser), venues: await this.repo.venueScopes(sessionId) };
  }

  /** Assigns the session's staff (replacing the list). Disabled accounts may stay listed; they cannot log in. */
  async setStaff(
    actor: Actor,
    sessionId: number,
    userIds: number[],
    /** Omitted: the venue moderators listed again keep their venue (the admin form sends user ids only). */
    venueScopesIn?: { userId: number; venueId: number }[],
  ): Promise<{ staff: User[]; venues: { userId: number; venueId: number }[] }> {
    if (actor !== SYSTEM) requireStaff(actor, ['admin']);
    const before = await this.row(sessionId);
    if (before.status === 'archived') throw new DomainError('SESSION_ARCHIVED', 'an archived session cannot be changed');
    const removed: number[] = [];
    await this.port.tx(async () => {
      // Locked on PostgreSQL: two lists saved at once replace each other, they do not mix.
      await this.repo.byIdForUpdate(sessionId);
      const previous = await this.repo.staffOf(sessionId);
      const known = new Set(await this.repo.existingUserIds(userIds));
      const unknown = userIds.find((id) => !known.has(id));
      if (unknown !== undefined) throw new DomainError('USER_NOT_FOUND', `no user ${unknown}`);
      // A venue moderator is one of the listed staff, limited to a venue of this session.
      const venueIds = new Set(await this.repo.venueIdsOf(sessionId));
      const venueScopes = venueScopesIn ?? (await this.repo.venueScopes(sessionId)).filter((v) => userIds.includes(v.userId));
      const venueOf = new Map<number, number>();
      for (const v of venueScopes) {
        if (!userIds.includes(v.userId) || !venueIds.has(v.venueId) || venueOf.has(v.userId)) {
          throw new DomainError('INVALID_PAYLOAD', `venue ${v.venueId} for user ${v.userId}: list the user in userIds, once, with a venue of this session`);
        }
        venueOf.set(v.userId, v.venueId);
      }
      const scopesBefore = await this.repo.venueScopes(sessionId);
      const auditBefore = await this.repo.staffForAudit(sessionId);
      await this.repo.replaceStaff(sessionId, userIds, venueOf);
      for (const u of previous) if (!userIds.includes(u.id)) removed.push(u.id);
      await recordAudit(this.port, actor, {
        action: 'session.staff',
        entity: 'session',
        entityId: sessionId,
        sessionId,
        before: auditBefore,
        after: await this.repo.staffForAudit(sessionId),
      });
      // A change of scope drops the user's rooms too; the next session:join puts them where they now belong.
      for (const s of scopesBefore) if (venueOf.get(s.userId) !== s.venueId && !removed.includes(s.userId)) removed.push(s.userId);
      for (const [userId, venueId] of venueOf) {
        if (!scopesBefore.some((s) => s.userId === userId && s.venueId === venueId) && !removed.includes(userId)) removed.push(userId);
      }
    });
    for (const userId of removed) this.events.emit('staff:unassigned', { sessionId, userId });
    return { staff: (await this.repo.staffOf(sessionId)).map(toUser), venues: await this.repo.venueScopes(sessionId) };
  }

  async get(actor: Actor, id: number): Promise<Session> {
    await this.requireMemberOf(actor, id);
    return this.view(await this.row(id));
  }

  async list(actor: Actor): Promise<Session[]> {
    const scope = await this.scopeOf(actor);
    const rows = (await this.repo.list()).filter((r) => scope === null || scope.has(r.id));
    const panel = await this.repo.panelOf(rows.map((r) => r.id));
    return rows.map((r) => toSession(r, panel));
  }

  async create(actor: Actor, body: CreateSessionBody): Promise<Session> {
    if (actor !== SYSTEM) requireStaff(actor, ['admin']);
    checkSeats(body.panel);
    const unitId = await this.unitFor(body.unitId);
    const createdBy = actor.kind === 'staff' ? actor.userId : null;
    const row = await this.port.tx(async () => {
      const inserted = await this.insertWithFreshCode({
        title: required(body.title),
        audience: required(body.audience),
        startsAt: normIso(body.startsAt),
        place: trimOrNull(body.place),
        description: cleanMultilineOrNull(body.description),
        moderation: body.moderation,
        anonymousAllowed: body.anonymousAllowed ?? true,
        maxQuestionLength: body.maxQuestionLength ?? 1000,
        preSubmissionOpensAt: body.preSubmissionOpensAt ? normIso(body.preSubmissionOpensAt) : null,
        chair: trimOrNull(body.chair),
        secretary: trimOrNull(body.secretary),
        retentionDays: body.retentionDays ?? 90,
        unitId,
        audienceGroup: body.audienceGroup ?? null,
        planPublishedAt: checkDate(body.planPublishedAt),
        announcedAt: checkDate(body.announcedAt),
        resultsPublishedAt: checkDate(body.resultsPublishedAt),
        createdBy,
      });
      if (body.panel) await this.repo.replacePanel(inserted.id, body.panel.map(panelInput));
      await recordAudit(this.port, actor, {
        action: 'session.create',
        entity: 'session',
        entityId: inserted.id,
        sessionId: inserted.id,
        after: { ...inserted, panel: body.panel ?? [] },
      });
      return inserted;
    });
    return this.view(row);
  }

  private async insertWithFreshCode(values: Omit<Parameters<SessionsRepo['insert']>[0], 'code'>): Promise<SessionRow> {
    // Until our COMMIT no other node chooses a code: a free one stays free (venues' codes too, no index spans both).
    await this.repo.lockJoinCodes();
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = generateJoinCode();
      if (await this.repo.codeInUse(code)) continue;
      try {
        // A savepoint: on PostgreSQL a failed statement would end the whole transaction.
        return await this.port.tx(() => this.repo.insert({ ...values, code }));
      } catch (err) {
        // Taken all the same (sessions_code_active) by a writer that did not take the lock: try another.
        if (this.port.isUniqueViolation(err)) continue;
        throw err;
      }
    }
    throw new DomainError('CONFLICT', 'could not find a free join code');
  }

  async update(actor: Actor, id: number, body: UpdateSessionBody): Promise<Session> {
    // The session's secretary keeps the statutory checklist's dates; everything else is the admin's.
    const checklistOnly = Object.keys(body).every((k) => (CHECKLIST_KEYS as readonly string[]).includes(k));
    if (actor !== SYSTEM) {
      if (checklistOnly) await this.requireStaffOf(actor, id, ['admin', 'secretary']);
      else requireStaff(actor, ['admin']);
    }
    if (body.unitId !== undefined) await this.unitFor(body.unitId);
    checkSeats(body.panel);
    // The retention setting is the session's own admins' (issue 11 assigns staff to sessions).
    if (actor !== SYSTEM && body.retentionDays !== undefined) await this.requireStaffOf(actor, id, ['admin']);
    let statusChanged = false;
    let offStage: number[] = [];
    const row = await this.port.tx(async () => {
      // A status change waits for the votes and questions being written under the old status (status-lock.ts).
      if (body.status !== undefined) await changeSessionStatus(this.port, id);
      // Locked on PostgreSQL until COMMIT: a transition is checked against the status it replaces (two at once do not both pass).
      const before = await this.repo.byIdForUpdate(id);
      if (!before) throw new DomainError('SESSION_NOT_FOUND', `no session ${id}`);
      const patch: Partial<SessionRow> = {};
      const now = nowIso();
      if (body.status !== undefined && body.status !== before.status) {
        if (!canMove(before.status, body.status)) {
          throw new DomainError('ILLEGAL_TRANSITION', `a ${before.status} session cannot become ${body.status}`);
        }
        patch.status = body.status;
        if (body.status === 'live' && !before.startedAt) patch.startedAt = now;
        if (body.status === 'closed') {
          patch.closedAt = now;
          patch.stageQuestionId = null;
          // Nobody is answering it any more: back among the approved ones
          // (not "answered": the leader never said so), in phones and the record.
          offStage = await this.repo.returnStagedToQueue(id, now);
        }
        statusChanged = true;
      }
      if (body.title !== undefined) patch.title = required(body.title);
      if (body.audience !== undefined) patch.audience = required(body.audience);
      if (body.startsAt !== undefined) patch.startsAt = normIso(body.startsAt);
      if (body.place !== undefined) patch.place = trimOrNull(body.place);
      if (body.description !== undefined) patch.description = cleanMultilineOrNull(body.description);
      if (body.moderation !== undefined) patch.moderation = body.moderation;
      if (body.anonymousAllowed !== undefined) patch.anonymousAllowed = body.anonymousAllowed;
      if (body.maxQuestionLength !== undefined) patch.maxQuestionLength = body.maxQuestionLength;
      if (body.preSubmissionOpensAt !== undefined)
        patch.preSubmissionOpensAt = body.preSubmissionOpensAt ? normIso(body.preSubmissionOpensAt) : null;
      if (body.chair !== undefined) patch.chair = trimOrNull(body.chair);
      if (body.secretary !== undefined) patch.secretary = trimOrNull(body.secretary);
      if (body.retentionDays !== undefined) patch.retentionDays = body.retentionDays;
      if (body.unitId !== undefined && body.unitId !== before.unitId) patch.unitId = body.unitId;
      if (body.audienceGroup !== undefined) patch.audienceGroup = body.audienceGroup;
      for (const k of CHECKLIST_KEYS) if (body[k] !== undefined) patch[k] = checkDate(body[k]);
      const panelChanged = body.panel !== undefined;
      if (Object.keys(patch).length === 0 && !panelChanged) return before;
      if (before.status === 'archived' && !statusChanged) {
        throw new DomainError('ILLEGAL_TRANSITION', 'an archived session cannot be edited');
      }
      // The panel is replaced whole; the audit entry keeps the old one, so
      // nothing is lost from the record.
      const panelBefore = panelChanged ? await this.repo.panelOf([id]) : undefined;
      const after = await this.repo.update(id, { ...patch, updatedAt: now });
      // The session's opinions belong to its unit.
      if (patch.unitId != null) await this.repo.moveOpinionsToUnit(id, patch.unitId, now);
      if (body.panel) await this.repo.replacePanel(id, body.panel.map(panelInput));
      await recordAudit(this.port, actor, {
        action: statusChanged ? `session.status.${after.status}` : 'session.update',
        entity: 'session',
        entityId: id,
        sessionId: id,
        before: { ...before, ...(panelBefore && { panel: panelBefore }) },
        after: { ...after, ...(panelChanged && { panel: body.panel }) },
      });
      return after;
    });
    this.events.emit('session:changed', { sessionId: id });
    for (const questionId of offStage) {
      this.events.emit('question:changed', { sessionId: id, questionId, created: false, previousStatus: 'on_stage' });
    }
    if (statusChanged && row.status === 'closed') this.events.emit('stage:changed', { sessionId: id, questionId: null });
    return this.view(row);
  }
}
