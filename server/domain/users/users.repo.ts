import { asc, count, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { users } from '../../db/schema';

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

export class UsersRepo {
  private readonly byIdStmt;
  constructor(private readonly db: Db) {
    // Looked up on every authenticated request and socket packet.
    this.byIdStmt = db.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare();
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
    return this.db.select().from(users).where(eq(users.username, username)).get();
  }
  async list(): Promise<UserRow[]> {
    return this.db.select().from(users).orderBy(asc(users.id)).all();
  }
  async count(): Promise<number> {
    return this.db.select({ n: count() }).from(users).get()?.n ?? 0;
  }
  async insert(row: NewUserRow): Promise<UserRow> {
    return this.db.insert(users).values(row).returning().get();
  }
  async bumpTokenVersion(id: number): Promise<void> {
    this.db.update(users).set({ tokenVersion: sql`${users.tokenVersion} + 1` }).where(eq(users.id, id)).run();
  }
  async update(id: number, patch: Partial<NewUserRow>): Promise<UserRow> {
    return this.db.update(users).set(patch).where(eq(users.id, id)).returning().get();
  }
}
