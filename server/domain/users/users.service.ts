import type { User } from '../../../shared/schemas/entities';
import type { ChangePasswordBody, CreateUserBody, LoginBody, UpdateUserBody } from '../../../shared/schemas/requests';
import type { DbPort } from '../../db/port';
import { requireStaff, SYSTEM, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError, fail } from '../errors';
import type { DomainEvents } from '../events';
import { HashGate } from './login-guard';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password';
import { UsersRepo, type UserRow } from './users.repo';
import { cleanLine, cleanLineOrNull } from '../../../shared/text';

const requireName = (s: string): string => s || fail('INVALID_PAYLOAD', 'the name is empty once invisible characters are removed');

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

/** More staff accounts than that in memory: the cache starts over (a deployment has tens, not thousands). */
const CACHE_MAX = 10_000;

export class UsersService {
  readonly repo: UsersRepo;
  /**
   * User rows by id, as last read or written here: `activeUser` answers
   * from it synchronously. Dropped for a user by every write of this
   * process (once it is over, committed or not) and by another node's
   * notice (`forget`, wired by cluster/node-caches).
   */
  private readonly cache = new Map<number, UserRow>();
  /** Bumped by each `forget`: a read begun before it must not cache what it read. */
  private generation = 0;
  /** Users writes of this process under way: what is read meanwhile may not be committed yet, so it is not cached. */
  private writing = 0;

  constructor(
    private readonly port: DbPort,
    private readonly events: DomainEvents,
    private readonly hashGate = new HashGate(2),
  ) {
    this.repo = new UsersRepo(port);
  }

  /** Keeps a row read at `generation`, unless a write or a notice came since. */
  private remember(row: UserRow | undefined, generation: number): void {
    if (!row || generation !== this.generation || this.writing > 0) return;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(row.id, row);
  }

  /** Reads the user again at the next use (this or another node changed it); without an id, every user. */
  forget(userId?: number): void {
    this.generation++;
    if (userId === undefined) this.cache.clear();
    else this.cache.delete(userId);
  }

  /**
   * Runs a write of user `userId`: its cached row is dropped when the write
   * is over (committed or rolled back), and the other nodes are told once it
   * is committed (`user:changed`).
   */
  private async write<T>(userId: number | null, fn: () => Promise<T>): Promise<T> {
    this.writing++;
    try {
      return await fn();
    } finally {
      this.writing--;
      if (userId !== null) this.forget(userId);
    }
  }

  /** Announces a committed change of this user (other nodes drop their copy). Call inside the write's transaction. */
  private changed(userId: number): void {
    this.events.emit('user:changed', { userId });
  }

  /**
   * Checks a password. Unknown user and wrong password look the same from
   * outside. The hash waits for no one: with every hashing slot taken the
   * answer is SERVER_BUSY at once (`knownDevice` may use one more slot).
   * Every attempt that was checked, good or bad, is on the audit log (never
   * the password). Returns the token version a new token must carry.
   */
  async login(body: LoginBody, opts: { from?: string; knownDevice?: boolean } = {}): Promise<{ user: User; tokenVersion: number }> {
    const from = opts.from;
    const generation = this.generation;
    const row = await this.repo.byUsername(body.username);
    // The token about to be issued is checked against this row on the next request.
    this.remember(row, generation);
    const ok = await this.hashGate.run(opts.knownDevice ?? false, async () =>
      verifyPassword(body.password, row?.passwordHash ?? (await dummyPasswordHash())),
    );
    // After the hash, never around it: a transaction holds the one connection.
    const attempt = (outcome: string) =>
      this.port.tx(() =>
        recordAudit(this.port, row && ok ? { kind: 'staff', userId: row.id, role: row.role, displayName: row.displayName } : { kind: 'anonymous' }, {
          action: `auth.login.${outcome}`,
          entity: 'user',
          entityId: row?.id ?? null,
          after: { username: body.username.slice(0, 120), ...(from && { from }) },
        }),
      );
    if (!row || !ok) {
      await attempt('failed');
      throw new DomainError('INVALID_CREDENTIALS', 'wrong username or password');
    }
    if (row.disabled) {
      await attempt('disabled');
      throw new DomainError('USER_DISABLED', 'this account is disabled');
    }
    await attempt('ok');
    return { user: toUser(row), tokenVersion: row.tokenVersion };
  }

  /** Ends every token of this user issued so far (this one included). */
  async logout(actor: Actor): Promise<void> {
    const staff = requireStaff(actor);
    await this.write(staff.userId, () =>
      this.port.tx(async () => {
        await this.repo.bumpTokenVersion(staff.userId);
        await recordAudit(this.port, actor, { action: 'auth.logout', entity: 'user', entityId: staff.userId });
        this.changed(staff.userId);
      }),
    );
    this.events.emit('user:revoked', { userId: staff.userId });
  }

  /** A staff member changes their own password; every older token stops working. */
  async changePassword(actor: Actor, body: ChangePasswordBody): Promise<void> {
    const staff = requireStaff(actor);
    const row = await this.repo.byId(staff.userId);
    if (!row) throw new DomainError('USER_NOT_FOUND');
    if (!(await verifyPassword(body.currentPassword, row.passwordHash))) {
      throw new DomainError('WRONG_PASSWORD', 'the current password is not right');
    }
    const passwordHash = await hashPassword(body.newPassword);
    await this.write(staff.userId, () =>
      this.port.tx(async () => {
        await this.repo.update(staff.userId, { passwordHash, updatedAt: nowIso() });
        await this.repo.bumpTokenVersion(staff.userId);
        await recordAudit(this.port, actor, { action: 'user.password', entity: 'user', entityId: staff.userId, after: { passwordChanged: true } });
        this.changed(staff.userId);
      }),
    );
    this.events.emit('user:revoked', { userId: staff.userId });
  }

  /** The id of the account with this username, if any (to match a device token). */
  async idOf(username: string): Promise<number | undefined> {
    return (await this.repo.byUsername(username))?.id;
  }

  /**
   * The user behind a staff token, if it may still act. It is checked on
   * every socket packet and request: answered synchronously from memory
   * when the row is cached (the usual case: login and the first check fill
   * it), else a promise of the row read from the database, which is then
   * cached.
   */
  activeUser(id: number): UserRow | null | Promise<UserRow | null> {
    const cached = this.cache.get(id);
    if (cached) return cached.disabled ? null : cached;
    return this.loadActive(id);
  }

  private async loadActive(id: number): Promise<UserRow | null> {
    const generation = this.generation;
    const row = await this.repo.byId(id);
    this.remember(row, generation);
    return row && !row.disabled ? row : null;
  }

  async get(actor: Actor, id: number): Promise<User> {
    const staff = requireStaff(actor);
    if (staff.userId !== id) requireStaff(actor, ['admin']);
    const generation = this.generation;
    const row = await this.repo.byId(id);
    this.remember(row, generation);
    if (!row) throw new DomainError('USER_NOT_FOUND');
    return toUser(row);
  }

  async list(actor: Actor): Promise<User[]> {
    requireStaff(actor, ['admin']);
    return (await this.repo.list()).map(toUser);
  }

  async create(actor: Actor, body: CreateUserBody): Promise<User> {
    if (actor !== SYSTEM) requireStaff(actor, ['admin']);
    const passwordHash = await hashPassword(body.password);
    // Hashed before the transaction: it holds the one connection.
    const row = await this.write(null, () =>
      this.port.tx(async () => {
        const repo = this.repo;
        if (await repo.byUsername(body.username)) throw new DomainError('USERNAME_TAKEN', 'username already exists');
        const displayName = requireName(cleanLine(body.displayName));
        let inserted: UserRow;
        try {
          inserted = await repo.insert({ username: body.username, displayName, role: body.role, title: cleanLineOrNull(body.title), passwordHash });
        } catch (err) {
          // Taken by a transaction that committed after our check (PostgreSQL runs them side by side).
          if (this.port.isUniqueViolation(err)) throw new DomainError('USERNAME_TAKEN', 'username already exists');
          throw err;
        }
        await recordAudit(this.port, actor, { action: 'user.create', entity: 'user', entityId: inserted.id, after: publicFields(inserted) });
        this.changed(inserted.id);
        return inserted;
      }),
    );
    return toUser(row);
  }

  async update(actor: Actor, id: number, body: UpdateUserBody): Promise<User> {
    const admin = requireStaff(actor, ['admin']);
    const passwordHash = body.password ? await hashPassword(body.password) : undefined;
    const updated = await this.write(id, () =>
      this.port.tx(async () => {
        // Locked on PostgreSQL: "before" (the audit's, and whether tokens end) is the row this write replaces.
        const before = await this.repo.byIdForUpdate(id);
        if (!before) throw new DomainError('USER_NOT_FOUND');
        if (id === admin.userId && (body.disabled === true || (body.role && body.role !== 'admin'))) {
          throw new DomainError('CONFLICT', 'an admin cannot disable or demote themself');
        }
        const row = await this.repo.update(id, {
          ...(body.displayName !== undefined && { displayName: requireName(cleanLine(body.displayName)) }),
          ...(body.role !== undefined && { role: body.role }),
          ...(body.title !== undefined && { title: cleanLineOrNull(body.title) }),
          ...(body.disabled !== undefined && { disabled: body.disabled }),
          ...(passwordHash && { passwordHash }),
          updatedAt: nowIso(),
        });
        // A reset password, a disabled or a re-enabled account: tokens issued before are over.
        const endsTokens = Boolean(passwordHash) || (body.disabled !== undefined && body.disabled !== before.disabled);
        if (endsTokens) await this.repo.bumpTokenVersion(id);
        await recordAudit(this.port, actor, {
          action: 'user.update',
          entity: 'user',
          entityId: id,
          before: publicFields(before),
          after: { ...publicFields(row), passwordChanged: Boolean(passwordHash) },
        });
        this.changed(id);
        return row;
      }),
    );
    if (updated.disabled || body.role !== undefined || passwordHash) this.events.emit('user:revoked', { userId: id });
    return toUser(updated);
  }
}
