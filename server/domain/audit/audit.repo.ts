import type { DbPort } from '../../db/port';
import { actorRef, type Actor } from '../actor';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: number | null;
  sessionId?: number | null;
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/** Appends to the audit log. Call inside the transaction that made the change. */
export async function recordAudit(port: DbPort, actor: Actor, entry: AuditEntry): Promise<void> {
  await port.q
    .insert(port.t.auditLog)
    .values({
      ...actorRef(actor),
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId ?? null,
      sessionId: entry.sessionId ?? null,
      before: json(entry.before),
      after: json(entry.after),
    });
}
