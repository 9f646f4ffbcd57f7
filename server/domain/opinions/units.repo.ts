import { asc, eq, isNull, sql } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import type { fields, units } from '../../db/schema';

export type UnitRow = typeof units.$inferSelect;
export type FieldRow = typeof fields.$inferSelect;

/** Organising units and fields (lĩnh vực). */
export class UnitsRepo {
  constructor(private readonly port: DbPort) {}

  async list(): Promise<UnitRow[]> {
    const { units } = this.port.t;
    return this.port.q.select().from(units).orderBy(asc(units.id));
  }
  async byId(id: number): Promise<UnitRow | undefined> {
    const { units } = this.port.t;
    return (await this.port.q.select().from(units).where(eq(units.id, id)).limit(1))[0];
  }
  async first(): Promise<UnitRow | undefined> {
    const { units } = this.port.t;
    return (await this.port.q.select().from(units).orderBy(asc(units.id)).limit(1))[0];
  }
  async insert(row: typeof units.$inferInsert): Promise<UnitRow> {
    const { units } = this.port.t;
    return (await this.port.q.insert(units).values(row).returning())[0]!;
  }
  async update(id: number, patch: Partial<typeof units.$inferInsert>): Promise<UnitRow> {
    const { units } = this.port.t;
    return (await this.port.q.update(units).set(patch).where(eq(units.id, id)).returning())[0]!;
  }
  /** Sessions made before units existed go to `unitId`; returns how many. */
  async assignSessionsWithoutUnit(unitId: number): Promise<number> {
    const { sessions } = this.port.t;
    return (await this.port.q.update(sessions).set({ unitId }).where(isNull(sessions.unitId)).returning({ id: sessions.id })).length;
  }

  // ---- fields ------------------------------------------------------------------

  async fields(): Promise<FieldRow[]> {
    const { fields } = this.port.t;
    return this.port.q.select().from(fields).orderBy(asc(fields.position), asc(fields.id));
  }
  async fieldById(id: number): Promise<FieldRow | undefined> {
    const { fields } = this.port.t;
    return (await this.port.q.select().from(fields).where(eq(fields.id, id)).limit(1))[0];
  }
  async fieldByName(name: string): Promise<FieldRow | undefined> {
    const { fields } = this.port.t;
    return (await this.port.q.select().from(fields).where(sql`lower(${fields.name}) = lower(${name})`).limit(1))[0];
  }
  async nextFieldPosition(): Promise<number> {
    const { fields } = this.port.t;
    const [r] = await this.port.q.select({ n: sql<number | null>`max(${fields.position})`.mapWith(Number) }).from(fields);
    return (r?.n ?? 0) + 1;
  }
  async insertField(row: typeof fields.$inferInsert): Promise<FieldRow> {
    const { fields } = this.port.t;
    return (await this.port.q.insert(fields).values(row).returning())[0]!;
  }
  async updateField(id: number, patch: Partial<typeof fields.$inferInsert>): Promise<FieldRow> {
    const { fields } = this.port.t;
    return (await this.port.q.update(fields).set(patch).where(eq(fields.id, id)).returning())[0]!;
  }
}
