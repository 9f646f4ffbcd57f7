import { dbRow, dbRows, TEST_DB, type TestApp } from './app';

export type Dump = Record<string, unknown[]>;

const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Every row of every table, through the port on either engine: two dumps of
 * the same app are equal iff the stored data is. SQLite: the tables of
 * sqlite_master in rowid order (as tests/resilience/lib/db-dump.ts does);
 * PostgreSQL: the tables of the public schema ordered by their primary key
 * (the whole row where there is none), since PostgreSQL has no rowid and an
 * updated row may move.
 */
export async function dumpStored(t: Pick<TestApp, 'port'>): Promise<Dump> {
  const out: Dump = {};
  if (TEST_DB === 'pg') {
    const tables = await dbRows<{ name: string }>(
      t,
      `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    );
    for (const { name } of tables) {
      const key = await dbRows<{ col: string }>(
        t,
        `select a.attname as col from pg_index i
           join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
          where i.indrelid = cast(? as regclass) and i.indisprimary
          order by array_position(i.indkey, a.attnum)`,
        `public.${quoted(name)}`,
      );
      const order = key.length > 0 ? key.map((k) => quoted(k.col)).join(', ') : `${quoted(name)}::text`;
      out[name] = await dbRows(t, `select * from ${quoted(name)} order by ${order}`);
    }
    return out;
  }
  const tables = await dbRows<{ name: string }>(t, `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`);
  for (const { name } of tables) {
    const withoutRowid = (await dbRow<{ sql: string }>(t, `select sql from sqlite_master where name = ?`, name))!.sql.includes('WITHOUT ROWID');
    out[name] = await dbRows(t, `select * from ${quoted(name)} ${withoutRowid ? '' : 'order by rowid'}`);
  }
  return out;
}
