import Database from 'better-sqlite3';

export type Dump = Record<string, unknown[]>;

/** Every row of every table, in rowid order: two dumps are equal iff the stored data is. */
export function dumpDb(db: Database.Database): Dump {
  const tables = db
    .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`)
    .all() as { name: string }[];
  const out: Dump = {};
  for (const { name } of tables) {
    const withoutRowid = (db.prepare(`select sql from sqlite_master where name = ?`).get(name) as { sql: string }).sql.includes('WITHOUT ROWID');
    out[name] = db.prepare(`select * from "${name}" ${withoutRowid ? '' : 'order by rowid'}`).all();
  }
  return out;
}

export function dumpFile(file: string): Dump {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return dumpDb(db);
  } finally {
    db.close();
  }
}

export function integrity(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}
