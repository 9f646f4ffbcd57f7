import { asc, eq, isNull, sql } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import { fields, sessions, units } from '../../db/schema';

export type UnitRow = typeof units.$inferSelect;
export type FieldRow = typeof fields.$inferSelect;

/** Organising units and fields (lĩnh vực). */
export class UnitsRepo {
  constructor(private readonly port: DbPort) {}

  async list(): Promise<UnitRow[]> {
    return this.port.q.select().from(units).orderBy(asc(units.id)).all();
  }
  async byId(id: number): Promise<UnitRow | undefined> {
    return this.port.q.select().from(units).where(eq(units.id, id)).get();
  }
  async first(): Promise<UnitRow | undefined> {
    return this.port.q.select().from(units).orderBy(asc(units.id)).limit(1).get();
  }
  async insert(row: typeof units.$inferInsert): Promise<UnitRow> {
    return this.port.q.insert(units).values(row).returning().get();
  }
  async update(id: number, patch: Partial<typeof units.$inferInsert>): Promise<UnitRow> {
    return this.port.q.update(units).set(patch).where(eq(units.id, id)).returning().get();
  }
  /** Sessions made before units existed go to `unitId`; returns how many. */
  async assignSessionsWithoutUnit(unitId: number): Promise<number> {
    return this.port.q.update(sessions).set({ unitId }).where(isNull(sessions.unitId)).run().changes;
  }

  // ---- fields ------------------------------------------------------------------

  async fields(): Promise<FieldRow[]> {
    return this.port.q.select().from(fields).orderBy(asc(fields.position), asc(fields.id)).all();
  }
  async fieldById(id: number): Promise<FieldRow | undefined> {
    return this.port.q.select().from(fields).where(eq(fields.id, id)).get();
  }
  async fieldByName(name: string): Promise<FieldRow | undefined> {
    return this.port.q.select().from(fields).where(sql`lower(${fields.name}) = lower(${name})`).get();
  }
  async nextFieldPosition(): Promise<number> {
    return (this.port.q.get<{ n: number | null }>(sql`SELECT max(${fields.position}) AS n FROM ${fields}`)?.n ?? 0) + 1;
  }
  async insertField(row: typeof fields.$inferInsert): Promise<FieldRow> {
    return this.port.q.insert(fields).values(row).returning().get();
  }
  async updateField(id: number, patch: Partial<typeof fields.$inferInsert>): Promise<FieldRow> {
    return this.port.q.update(fields).set(patch).where(eq(fields.id, id)).returning().get();
  }
}
