import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPg, type PgDb } from '../../server/db/pg';
import { PgPort } from '../../server/db/pg-port';
import { freshPgDatabase, TEST_PG_URL } from '../helpers/pg';

/**
 * The database port on PostgreSQL: what a transaction announces leaves only
 * after its COMMIT and never after a rollback; savepoints undo only their
 * own writes and announcements. The twin of db-port.test.ts's SQLite tests.
 */
describe.skipIf(!TEST_PG_URL)('PgPort', () => {
  let db: PgDb;
  let port: PgPort;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshPgDatabase();
    drop = fresh.drop;
    db = await openPg(fresh.url, { maxConnections: 4 });
    await db.$client.query('create table t (id serial primary key, v text not null unique)');
    port = new PgPort(db);
  });
  afterAll(async () => {
    await db?.$client.end();
    await drop?.();
  });
  beforeEach(async () => {
    await db.$client.query('truncate t');
  });

  const insert = (v: string) => port.prepare<[string]>({ sqlite: '', pg: 'insert into t (v) values ($1)' }).run(v);
  const count = async (): Promise<number> => (await db.$client.query<{ n: number }>('select count(*)::int as n from t')).rows[0]!.n;

  it('sends what a transaction announces only after its COMMIT, and nothing after a rollback', async () => {
    const sent: string[] = [];
    await port.tx(async () => {
      await insert('a');
      port.afterCommit(() => sent.push('a'));
      // Not yet: another connection does not see the row either.
      expect(sent).toEqual([]);
      expect(await count()).toBe(0);
    });
    expect(sent).toEqual(['a']);
    await expect(
      port.tx(async () => {
        await insert('b');
        port.afterCommit(() => sent.push('b'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(sent).toEqual(['a']);
    expect(await count()).toBe(1);
  });

  it('undoes a failing nested transaction or step alone, with what it announced', async () => {
    const sent: string[] = [];
    await port.tx(async () => {
      await insert('outer');
      port.afterCommit(() => sent.push('outer'));
      await expect(
        port.tx(async () => {
          await insert('inner');
          port.afterCommit(() => sent.push('inner'));
          await insert('outer'); // unique violation
        }),
      ).rejects.toSatisfy((e) => port.isUniqueViolation(e));
      await expect(
        port.step(async () => {
          await insert('step');
          port.afterCommit(() => sent.push('step'));
          throw new Error('step fails');
        }),
      ).rejects.toThrow('step fails');
      await port.step(async () => {
        await insert('kept');
        port.afterCommit(() => sent.push('kept'));
      });
    });
    expect(sent).toEqual(['outer', 'kept']);
    expect((await db.$client.query<{ v: string }>('select v from t order by v')).rows.map((r) => r.v)).toEqual(['kept', 'outer']);
  });

  it('runs transactions of different callers side by side, each on its own connection', async () => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      ['x', 'y', 'z'].map((v) =>
        port.tx(async () => {
          most = Math.max(most, ++inside);
          await insert(v);
          await new Promise((r) => setTimeout(r, 50));
          inside--;
        }),
      ),
    );
    expect(most).toBeGreaterThan(1);
    expect(await count()).toBe(3);
  });
});
