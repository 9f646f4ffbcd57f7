import { asc, count, eq, sql } from 'drizzle-orm';
import type { DbPort, Prepared } from '../../db/port';
import type { users } from '../../db/schema';

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

export class UsersRepo {
  private readonly lockStmt: Prepared<[number], { id: number }>;
  constructor(private readonly port: DbPort) {
    this.lockStmt = port.prepare({
      sqlite: 'SELECT id FROM users WHERE id = ?',
      pg: 'SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE',
    });
  }
  /**
   * The row, locked until the end of the transaction on PostgreSQL (SQLite
   * runs one writer at a time): for a read the write after it depends on.
   */
  async byIdForUpdate(id: number): Promise<UserRow | undefined> {
    if (!(await this.lockStmt.get(id))) return undefined;
    return this.byId(id);
  }
  /** Read from the database; UsersService.activeUser keeps the rows in memory for the check on every packet. */
  async byId(id: number): Promise<UserRow | undefined> {
    const { users } = this.port.t;
    return (await this.port.q.select().from(users).where(eq(users.id, id)).limit(1))[0];
  }
  async byUsername(username: string): Promise<UserRow | undefined> {
    const { users } = this.port.t;
    return (await this.port.q.select().from(users).where(eq(users.username, username)).limit(1))[0];
  }
  async list(): Promise<UserRow[]> {
    const { users } = this.port.t;
    return this.port.q.select().from(users).orderBy(asc(users.id));
  }
  async count(): Promise<number> {
    const { users } = this.port.t;
    return (await this.port.q.select({ n: count() }).from(users))[0]?.n ?? 0;
  }
  async insert(row: NewUserRow): Promise<UserRow> {
    const { users } = this.port.t;
    return (await this.port.q.insert(users).values(row).returning())[0]!;
  }
  async bumpTokenVersion(id: number): Promise<void> {
    const { users } = this.port.t;
    await this.port.q
      .update(users)
      .set({ tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, id));
  }
  async update(id: number, patch: Partial<NewUserRow>): Promise<UserRow> {
    const { users } = this.port.t;
    return (await this.port.q.update(users).set(patch).where(eq(users.id, id)).returning())[0]!;
  }
}
