import type { PanelMember, Session } from '../../../shared/schemas/entities';
import type { CreateSessionBody, PanelMemberInput, UpdateSessionBody } from '../../../shared/schemas/requests';
import type { Db } from '../../db/client';
import { requireMemberOf, requireStaff, SYSTEM, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError } from '../errors';
import type { DomainEvents } from '../events';
import { generateJoinCode } from './join-code';
import { canMove } from './lifecycle';
import { SessionsRepo, type PanelRow, type SessionRow } from './sessions.repo';

const toPanelMember = (p: PanelRow): PanelMember => ({
  id: p.id,
  name: p.name,
  title: p.title ?? null,
  agency: p.agency ?? null,
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
  startedAt: s.startedAt ?? null,
  closedAt: s.closedAt ?? null,
});

const normIso = (v: string): string => new Date(v).toISOString();
const trimOrNull = (v: string | null | undefined): string | null => (v == null ? null : v.trim() || null);
const panelInput = (m: PanelMemberInput) => ({
  name: m.name.trim(),
  title: trimOrNull(m.title),
  agency: trimOrNull(m.agency),
  userId: m.userId ?? null,
});

export class SessionsService {
  readonly repo: SessionsRepo;
  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
  ) {
    this.repo = new SessionsRepo(db);
  }

  /** The row, or SESSION_NOT_FOUND. No authorization: for other services. */
  row(id: number): SessionRow {
    const row = this.repo.byId(id);
    if (!row) throw new DomainError('SESSION_NOT_FOUND', `no session ${id}`);
    return row;
  }

  view(row: SessionRow): Session {
    return toSession(row, this.repo.panelOf([row.id]));
  }

  get(actor: Actor, id: number): Session {
    requireMemberOf(actor, id);
    return this.view(this.row(id));
  }

  list(actor: Actor): Session[] {
    requireStaff(actor);
    const rows = this.repo.list();
    const panel = this.repo.panelOf(rows.map((r) => r.id));
    return rows.map((r) => toSession(r, panel));
  }

  create(actor: Actor, body: CreateSessionBody): Session {
    if (actor !== SYSTEM) requireStaff(actor, ['admin']);
    const createdBy = actor.kind === 'staff' ? actor.userId : null;
    const row = this.db.transaction(() => {
      const inserted = this.insertWithFreshCode({
        title: body.title.trim(),
        audience: body.audience.trim(),
        startsAt: normIso(body.startsAt),
        place: trimOrNull(body.place),
        description: trimOrNull(body.description),
        moderation: body.moderation,
        anonymousAllowed: body.anonymousAllowed ?? true,
        maxQuestionLength: body.maxQuestionLength ?? 1000,
        preSubmissionOpensAt: body.preSubmissionOpensAt ? normIso(body.preSubmissionOpensAt) : null,
        chair: trimOrNull(body.chair),
        secretary: trimOrNull(body.secretary),
        createdBy,
      });
      if (body.panel) this.repo.replacePanel(inserted.id, body.panel.map(panelInput));
      recordAudit(this.db, actor, {
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

  private insertWithFreshCode(values: Omit<Parameters<SessionsRepo['insert']>[0], 'code'>): SessionRow {
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = generateJoinCode();
      if (this.repo.byActiveCode(code)) continue;
      return this.repo.insert({ ...values, code });
    }
    throw new DomainError('CONFLICT', 'could not find a free join code');
  }

  update(actor: Actor, id: number, body: UpdateSessionBody): Session {
    if (actor !== SYSTEM) requireStaff(actor, ['admin']);
    let statusChanged = false;
    const row = this.db.transaction(() => {
      const before = this.row(id);
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
        }
        statusChanged = true;
      }
      if (body.title !== undefined) patch.title = body.title.trim();
      if (body.audience !== undefined) patch.audience = body.audience.trim();
      if (body.startsAt !== undefined) patch.startsAt = normIso(body.startsAt);
      if (body.place !== undefined) patch.place = trimOrNull(body.place);
      if (body.description !== undefined) patch.description = trimOrNull(body.description);
      if (body.moderation !== undefined) patch.moderation = body.moderation;
      if (body.anonymousAllowed !== undefined) patch.anonymousAllowed = body.anonymousAllowed;
      if (body.maxQuestionLength !== undefined) patch.maxQuestionLength = body.maxQuestionLength;
      if (body.preSubmissionOpensAt !== undefined)
        patch.preSubmissionOpensAt = body.preSubmissionOpensAt ? normIso(body.preSubmissionOpensAt) : null;
      if (body.chair !== undefined) patch.chair = trimOrNull(body.chair);
      if (body.secretary !== undefined) patch.secretary = trimOrNull(body.secretary);
      const panelChanged = body.panel !== undefined;
      if (Object.keys(patch).length === 0 && !panelChanged) return before;
      if (before.status === 'archived' && !statusChanged) {
        throw new DomainError('ILLEGAL_TRANSITION', 'an archived session cannot be edited');
      }
      // The panel is replaced whole; the audit entry keeps the old one, so
      // nothing is lost from the record.
      const panelBefore = panelChanged ? this.repo.panelOf([id]) : undefined;
      const after = this.repo.update(id, { ...patch, updatedAt: now });
      if (body.panel) this.repo.replacePanel(id, body.panel.map(panelInput));
      recordAudit(this.db, actor, {
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
    if (statusChanged && row.status === 'closed') this.events.emit('stage:changed', { sessionId: id, questionId: null });
    return this.view(row);
  }
}
