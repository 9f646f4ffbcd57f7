import { is } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from '../../server/db/schema/pg';
import * as sqlite from '../../server/db/schema/sqlite';

/**
 * The two schemas must describe the same database: a repo written once runs
 * on either. Compared per table: columns (name, kind, enum values, null,
 * default, key, unique), composite keys, indexes (name, columns, unique,
 * partial or not) and foreign keys.
 */

type Shape = {
  columns: Record<string, { kind: string; enum: readonly string[] | undefined; notNull: boolean; hasDefault: boolean; primary: boolean; unique: boolean }>;
  primaryKeys: string[][];
  indexes: Record<string, { columns: string[]; unique: boolean; partial: boolean }>;
  foreignKeys: string[];
};

/** SQLite's integer-as-boolean is PostgreSQL's boolean; identity and autoincrement are both "integer key". */
function kindOf(columnType: string): string {
  if (/Boolean$/.test(columnType)) return 'boolean';
  if (/Integer$/.test(columnType)) return 'integer';
  if (/Text$/.test(columnType)) return 'text';
  return columnType;
}

/** An id the database hands out: AUTOINCREMENT on SQLite, an identity on PostgreSQL. */
function generatedKey(c: object): boolean {
  const k = c as { autoIncrement?: boolean; generatedIdentity?: unknown };
  return k.autoIncrement === true || k.generatedIdentity !== undefined;
}

type AnyIndex = { config: { name: string; unique: boolean; where?: unknown; columns: unknown[] } };
const indexColumns = (i: AnyIndex): string[] => i.config.columns.map((c) => (c as { name: string }).name);

function shapeOf(config: ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>): Shape {
  const columns: Shape['columns'] = {};
  for (const c of config.columns) {
    columns[c.name] = {
      kind: kindOf(c.columnType),
      enum: c.enumValues,
      notNull: c.notNull,
      // SQLite marks every integer key as defaulted (a rowid alias): compare what is generated instead.
      hasDefault: c.primary && kindOf(c.columnType) === 'integer' ? generatedKey(c) : c.hasDefault,
      primary: c.primary,
      unique: c.isUnique,
    };
  }
  const indexes: Shape['indexes'] = {};
  for (const i of config.indexes as unknown as AnyIndex[]) {
    indexes[i.config.name] = { columns: indexColumns(i), unique: i.config.unique, partial: i.config.where !== undefined };
  }
  return {
    columns,
    primaryKeys: config.primaryKeys.map((k) => k.columns.map((c) => c.name)),
    indexes,
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const r = fk.reference();
        return `${r.columns.map((c) => c.name).join(',')} → ${r.foreignColumns.map((c) => `${c.table[Symbol.for('drizzle:Name') as never]}.${c.name}`).join(',')}`;
      })
      .sort(),
  };
}

const sqliteTables = Object.fromEntries(
  (Object.values(sqlite) as unknown[])
    .filter((t): t is SQLiteTable => is(t, SQLiteTable))
    .map((t) => [sqliteConfig(t).name, shapeOf(sqliteConfig(t))]),
);
const pgTables = Object.fromEntries(
  (Object.values(pg) as unknown[])
    .filter((t): t is PgTable => is(t, PgTable))
    .map((t) => [pgConfig(t).name, shapeOf(pgConfig(t))]),
);

describe('the SQLite and PostgreSQL schemas', () => {
  it('have the same tables', () => {
    expect(Object.keys(sqliteTables).length).toBeGreaterThan(15);
    expect(Object.keys(pgTables).sort()).toEqual(Object.keys(sqliteTables).sort());
  });

  it.each(Object.keys(sqliteTables))('agree on table %s', (name) => {
    expect(pgTables[name]).toEqual(sqliteTables[name]);
  });

  it('are compared on something real (a changed column is seen)', () => {
    const changed = structuredClone(sqliteTables.questions);
    changed.columns.votes.notNull = false;
    expect(changed).not.toEqual(pgTables.questions);
    expect(sqliteTables.questions.columns.anonymous.kind).toBe('boolean');
    expect(sqliteTables.sessions.indexes.sessions_code_active).toEqual({ columns: ['code'], unique: true, partial: true });
    expect(sqliteTables.votes.primaryKeys).toEqual([['question_id', 'participant_id']]);
  });
});
