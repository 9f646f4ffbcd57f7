import type { User } from '../../../shared/schemas/entities';
import type { CreateUserBody, LoginBody, UpdateUserBody } from '../../../shared/schemas/requests';
import type { Db } from '../../db/client';
import { requireStaff, SYSTEM, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError } from '../errors';
import type { DomainEvents } from '../events';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password';
import { UsersRepo, type UserRow } from './users.repo';

export const toUser = (u: UserRow): User => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  title: u.title ?? null,
  disabled: u.disabled,
  createdAt: u.createdAt,
});

const publicFields = (u: UserRow) => {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
};

export class UsersService {
  readonly repo: UsersRepo;
  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
  ) {
    this.repo = new UsersRepo(db);
  }

  /** Checks a password. Unknown user and wrong password look the same from outside. */
  async login(body: LoginBody): Promise<User> {
    const row = this.repo.byUsername(body.username);
    const ok = await verifyPassword(body.password, row?.passwordHash ?? (await dummyPasswordHash()));
    if (!row || !ok) throw new DomainError('INVALID_CREDENTIALS', 'wrong username or password');
    if (row.disabled) throw new DomainError('USER_DISABLED', 'this account is disabled');
    return toUser(row);
  }

  /** The user behind a staff token, if it may still act. */
  activeUser(id: number): UserRow | null {
    const row = this.repo.byId(id);
    return row && !row.disabled ? row : null;
  }

  get(actor: Actor, id: number): User {
    const staff = requireStaff(actor);
    if (staff.userId !== id) requireStaff(actor, ['admin']);
    const row = this.repo.byId(id);
    if (!row) throw new DomainError('USER_NOT_FOUND');
    return toUser(row);
  }

  list(actor: Actor): User[] {
    requireStaff(actor, ['admin']);
    return this.repo.list().map(toUser);
  }

  async create(actor: Actor, body: CreateUserBody): Promise<User> {
    if (actor !== SYSTEM) requireStaff(actor, ['admin']);
    const passwordHash = await hashPassword(body.password);
    // better-sqlite3 is one synchronous connection: everything in this
    // callback runs inside the transaction.
    return this.db.transaction(() => {
      const repo = this.repo;
      if (repo.byUsername(body.username)) throw new DomainError('USERNAME_TAKEN', 'username already exists');
      const row = repo.insert({
        username: body.username,
        displayName: body.displayName.trim(),
        role: body.role,
        title: body.title?.trim() || null,
        passwordHash,
      });
      recordAudit(this.db, actor, { action: 'user.create', entity: 'user', entityId: row.id, after: publicFields(row) });
      return toUser(row);
    });
  }

  async update(actor: Actor, id: number, body: UpdateUserBody): Promise<User> {
    const admin = requireStaff(actor, ['admin']);
    const passwordHash = body.password ? await hashPassword(body.password) : undefined;
    const updated = this.db.transaction(() => {
      const before = this.repo.byId(id);
      if (!before) throw new DomainError('USER_NOT_FOUND');
      if (id === admin.userId && (body.disabled === true || (body.role && body.role !== 'admin'))) {
        throw new DomainError('CONFLICT', 'an admin cannot disable or demote themself');
      }
      const row = this.repo.update(id, {
        ...(body.displayName !== undefined && { displayName: body.displayName.trim() }),
        ...(body.role !== undefined && { role: body.role }),
        ...(body.title !== undefined && { title: body.title?.trim() || null }),
        ...(body.disabled !== undefined && { disabled: body.disabled }),
        ...(passwordHash && { passwordHash }),
        updatedAt: nowIso(),
      });
      recordAudit(this.db, actor, {
        action: 'user.update',
        entity: 'user',
        entityId: id,
        before: publicFields(before),
        after: { ...publicFields(row), passwordChanged: Boolean(passwordHash) },
      });
      return row;
    });
    if (updated.disabled || body.role !== undefined || passwordHash) this.events.emit('user:revoked', { userId: id });
    return toUser(updated);
  }
}
