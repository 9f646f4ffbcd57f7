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
  byId(id: number): UserRow | undefined {
    return this.byIdStmt.get({ id });
  }
  byUsername(username: string): UserRow | undefined {
    return this.db.select().from(users).where(eq(users.username, username)).get();
  }
  list(): UserRow[] {
    return this.db.select().from(users).orderBy(asc(users.id)).all();
  }
  count(): number {
    return this.db.select({ n: count() }).from(users).get()?.n ?? 0;
  }
  insert(row: NewUserRow): UserRow {
    return this.db.insert(users).values(row).returning().get();
  }
  update(id: number, patch: Partial<NewUserRow>): UserRow {
    return this.db.update(users).set(patch).where(eq(users.id, id)).returning().get();
  }
}
