import { and, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { AuditEntry } from '../../../shared/schemas/audit';
import type { AuditQuery } from '../../../shared/schemas/requests';
import type { DbPort } from '../../db/port';
import { requireStaff, type Actor } from '../actor';
import type { SessionsService } from '../sessions/sessions.service';

const parse = (v: string | null): unknown => {
  if (v === null) return null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
};

/** Fields that never leave the server, even to an admin reading the log. */
const SECRET_KEYS = new Set(['passwordHash', 'password', 'contact']);
function redact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEYS.has(k) ? '[…]' : redact(x)]));
  }
  return v;
}

/**
 * Reading the audit log: admins all of it, secretaries what happened in the
 * sessions assigned to them. Newest first, paged by id (`before`).
 */
export class AuditService {
  constructor(
    private readonly port: DbPort,
    private readonly sessions: SessionsService,
  ) {}

  async list(actor: Actor, query: AuditQuery): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
    const staff = requireStaff(actor, ['admin', 'secretary']);
    const { auditLog, users } = this.port.t;
    const conds: SQL[] = [];
    if (query.sessionId !== undefined) {
      await this.sessions.requireStaffOf(actor, query.sessionId, ['admin', 'secretary']);
      conds.push(eq(auditLog.sessionId, query.sessionId));
    } else if (staff.role !== 'admin') {
      const scope = [...((await this.sessions.scopeOf(actor)) ?? [])];
      if (scope.length === 0) return { entries: [], nextBefore: null };
      conds.push(inArray(auditLog.sessionId, scope));
    }
    if (query.entity !== undefined) conds.push(eq(auditLog.entity, query.entity));
    if (query.entityId !== undefined) conds.push(eq(auditLog.entityId, query.entityId));
    if (query.actorId !== undefined) conds.push(and(eq(auditLog.actorKind, 'staff'), eq(auditLog.actorId, query.actorId))!);
    if (query.action !== undefined) conds.push(eq(auditLog.action, query.action));
    if (query.before !== undefined) conds.push(lt(auditLog.id, query.before));
    const limit = query.limit ?? 50;
    const rows = await this.port.q
      .select({ a: auditLog, actorName: users.displayName })
      .from(auditLog)
      .leftJoin(users, and(eq(auditLog.actorKind, 'staff'), eq(users.id, auditLog.actorId)))
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(auditLog.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    return {
      entries: page.map(({ a, actorName }) => ({
        id: a.id,
        at: a.at,
        actorKind: a.actorKind,
        actorId: a.actorId ?? null,
        actorName: actorName ?? null,
        action: a.action,
        entity: a.entity,
        entityId: a.entityId ?? null,
        sessionId: a.sessionId ?? null,
        before: redact(parse(a.before)),
        after: redact(parse(a.after)),
      })),
      nextBefore: rows.length > limit ? page[page.length - 1]!.a.id : null,
    };
  }
}
