import { asc, count, eq, sql } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import { users } from '../../db/schema';

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

export class UsersRepo {
  private readonly byIdStmt;
  constructor(private readonly port: DbPort) {
    // Looked up on every authenticated request and socket packet.
    this.byIdStmt = port.q.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare();
  }
  async byId(id: number): Promise<UserRow | undefined> {
    return this.byIdStmt.get({ id });
  }
  /**
   * The same, synchronous: for the check on every socket packet and request
   * (UsersService.activeUser), which must not pay a turn of the event loop.
   * SQLite only; a PostgreSQL port will serve it from a cache instead.
   */
  byIdNow(id: number): UserRow | undefined {
    return this.byIdStmt.get({ id });
  }
  async byUsername(username: string): Promise<UserRow | undefined> {
    return this.port.q.select().from(users).where(eq(users.username, username)).get();
  }
  async list(): Promise<UserRow[]> {
    return this.port.q.select().from(users).orderBy(asc(users.id)).all();
  }
  async count(): Promise<number> {
    return this.port.q.select({ n: count() }).from(users).get()?.n ?? 0;
  }
  async insert(row: NewUserRow): Promise<UserRow> {
    return this.port.q.insert(users).values(row).returning().get();
  }
  async bumpTokenVersion(id: number): Promise<void> {
    this.port.q.update(users).set({ tokenVersion: sql`${users.tokenVersion} + 1` }).where(eq(users.id, id)).run();
  }
  async update(id: number, patch: Partial<NewUserRow>): Promise<UserRow> {
    return this.port.q.update(users).set(patch).where(eq(users.id, id)).returning().get();
  }
}
