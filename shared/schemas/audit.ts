import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** One line of the audit log, as the admin and the secretariat read it. */
export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actorKind: Type.Union([Type.Literal('staff'), Type.Literal('participant'), Type.Literal('system'), Type.Literal('anonymous')]),
  actorId: Nullable(Type.Integer()),
  /** The staff member's display name; null for participants, the system and anonymous callers. */
  actorName: Nullable(Type.String()),
  action: Type.String(),
  entity: Type.String(),
  entityId: Nullable(Type.Integer()),
  sessionId: Nullable(Type.Integer()),
  /** The state before and after, as recorded (secrets such as password hashes and contacts are masked). */
  before: Type.Unknown(),
  after: Type.Unknown(),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditPage = Type.Object({
  entries: Type.Array(AuditEntry),
  /** Pass as `before` to read the next (older) page; null at the end. */
  nextBefore: Nullable(Type.Integer()),
});
export type AuditPage = Static<typeof AuditPage>;
