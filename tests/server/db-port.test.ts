import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../server/db/group-commit';
import { SqlitePort } from '../../server/db/port';

/** Each test on a scratch database file of its own, as the server opens one (WAL). */
let dir: string;
let sqlite: Database.Database;
let port: SqlitePort;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'langnghe-port-'));
  sqlite = new Database(join(dir, 'port.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec('create table t (id integer primary key, v text not null unique)');
  port = new SqlitePort(sqlite);
});
afterEach(() => {
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The database port on SQLite: transactions serialised on the one
 * connection, nested ones as savepoints, and what they announce released
 * only by the COMMIT. On a real file, as the server opens it.
 */
describe('SqlitePort', () => {
  const count = (): number => (sqlite.prepare('select count(*) n from t').get() as { n: number }).n;
  const insert = (v: string): void => {
    sqlite.prepare('insert into t (v) values (?)').run(v);
  };
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

  it('runs transactions one at a time even when their bodies await', async () => {
    const order: string[] = [];
    const body = (name: string) => async () => {
      order.push(`${name} begin`);
      insert(name);
      await tick(); // a macrotask: the other transaction would start here without the mutex
      insert(`${name}2`);
      order.push(`${name} end`);
    };
    await Promise.all([port.tx(body('a')), port.tx(body('b'))]);
    expect(order).toEqual(['a begin', 'a end', 'b begin', 'b end']);
    expect(count()).toBe(4);
  });

  it('rolls back the whole transaction when its body throws, and the next one still runs', async () => {
    await expect(
      port.tx(async () => {
        insert('x');
        await tick();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(count()).toBe(0);
    expect(sqlite.inTransaction).toBe(false);
    await port.tx(() => insert('y'));
    expect(count()).toBe(1);
  });

  it('makes a nested transaction a savepoint: a failing one undoes only its own writes', async () => {
    const r = await port.tx(async () => {
      insert('outer');
      await expect(
        port.tx(async () => {
          insert('inner');
          insert('outer'); // unique violation
        }),
      ).rejects.toThrow(/UNIQUE/);
      await port.tx(() => insert('inner-ok'));
      return 'done';
    });
    expect(r).toBe('done');
    expect((sqlite.prepare('select v from t order by id').all() as { v: string }[]).map((x) => x.v)).toEqual(['outer', 'inner-ok']);
  });

  it('releases what was announced only after the COMMIT, and drops it on a rollback', async () => {
    const sent: string[] = [];
    let seenInside = -1;
    await port.tx(async () => {
      insert('a');
      port.afterCommit(() => {
        sent.push('a');
        seenInside = count();
      });
      await port.tx(async () => {
        port.afterCommit(() => sent.push('nested ok'));
      });
      await port
        .tx(async () => {
          port.afterCommit(() => sent.push('nested rolled back'));
          throw new Error('no');
        })
        .catch(() => undefined);
      expect(sent).toEqual([]);
    });
    expect(sent).toEqual(['a', 'nested ok']);
    expect(seenInside).toBe(1);
    await port
      .tx(async () => {
        port.afterCommit(() => sent.push('never'));
        throw new Error('rollback');
      })
      .catch(() => undefined);
    expect(sent).toEqual(['a', 'nested ok']);
    // Outside a transaction there is nothing to wait for.
    port.afterCommit(() => sent.push('now'));
    expect(sent.at(-1)).toBe('now');
  });
});

describe('SqlitePort after a transaction ended', () => {
  it('treats a callback set up inside a transaction, run after it ended, as outside any transaction', async () => {
    const sent: string[] = [];
    let later: Promise<void> | undefined;
    await port.tx(async () => {
      sqlite.prepare("insert into t (v) values ('inside')").run();
      // A timer keeps the transaction's AsyncLocalStorage scope after the COMMIT.
      later = new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          expect(port.inTx()).toBe(false);
          port.afterCommit(() => sent.push('at once'));
          port
            .tx(async () => {
              expect(sqlite.inTransaction).toBe(true);
              sqlite.prepare("insert into t (v) values ('later')").run();
              port.afterCommit(() => sent.push('after its own commit'));
            })
            .then(resolve, reject);
        }, 10),
      );
    });
    await later;
    expect(sent).toEqual(['at once', 'after its own commit']);
    expect(sqlite.inTransaction).toBe(false);
    expect((sqlite.prepare('select v from t order by id').all() as { v: string }[]).map((x) => x.v)).toEqual(['inside', 'later']);
  });
});

describe('SqlitePort.step', () => {

  it('undoes a failing step and what it announced, nested savepoints included, and keeps the steps before and after', async () => {
    const sent: string[] = [];
    const ins = (v: string) => sqlite.prepare('insert into t (v) values (?)').run(v);
    await port.tx(async () => {
      await port.step(() => {
        ins('one');
        port.afterCommit(() => sent.push('one'));
      });
      await port
        .step(async () => {
          ins('two');
          await port.tx(async () => {
            ins('two-nested');
            port.afterCommit(() => sent.push('two-nested'));
          });
          port.afterCommit(() => sent.push('two'));
          throw new Error('step fails');
        })
        .catch(() => undefined);
      await port.step(() => {
        ins('three');
        port.afterCommit(() => sent.push('three'));
      });
    });
    expect((sqlite.prepare('select v from t order by id').all() as { v: string }[]).map((x) => x.v)).toEqual(['one', 'three']);
    expect(sent).toEqual(['one', 'three']);
    await expect(port.step(() => 1)).rejects.toThrow(/transaction under way/);
  });
});

describe('GroupCommit on the port', () => {

  it('commits actions of one turn together, each in its own savepoint, and acks after the COMMIT', async () => {
    const gc = new GroupCommit(port);
    let commits = 0;
    const committedAtAck: number[] = [];
    const ins = (v: string) => async () => {
      sqlite.prepare('insert into t (v) values (?)').run(v);
      port.afterCommit(() => commits++);
      return v;
    };
    const acks = ['a', 'b', 'a', 'c'].map((v) =>
      gc.run(ins(v)).then(
        (r) => {
          committedAtAck.push(commits);
          return r;
        },
        (e: Error) => `error: ${e.message.slice(0, 24).trim()}`,
      ),
    );
    const results = await Promise.all(acks);
    expect(results).toEqual(['a', 'b', 'error: UNIQUE constraint failed', 'c']);
    expect((sqlite.prepare('select v from t order by id').all() as { v: string }[]).map((x) => x.v)).toEqual(['a', 'b', 'c']);
    // Every ack went out after the batch's events, i.e. after its COMMIT.
    expect(committedAtAck.every((n) => n === 3)).toBe(true);
  });

  it('answers every action of a batch with the error when its COMMIT fails, and announces none of them', async () => {
    sqlite.exec('create table child (id integer primary key, parent integer not null references t(id))');
    sqlite.pragma('foreign_keys = ON');
    const gc = new GroupCommit(port);
    const sent: string[] = [];
    const ok = gc.run(async () => {
      sqlite.prepare("insert into t (v) values ('kept?')").run();
      port.afterCommit(() => sent.push('ok'));
    });
    const breaker = gc.run(async () => {
      sqlite.pragma('defer_foreign_keys = ON');
      sqlite.prepare('insert into child (parent) values (999)').run();
    });
    const outcomes = await Promise.allSettled([ok, breaker]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(sent).toEqual([]);
    expect((sqlite.prepare('select count(*) n from t').get() as { n: number }).n).toBe(0);
    await gc.run(() => sqlite.prepare("insert into t (v) values ('later')").run());
    expect((sqlite.prepare('select count(*) n from t').get() as { n: number }).n).toBe(1);
  });

  it('flush() waits for the batch being written (a shutdown loses no acknowledged action)', async () => {
    const gc = new GroupCommit(port);
    const p = gc.run(async () => {
      await new Promise((r) => setTimeout(r, 20));
      sqlite.prepare("insert into t (v) values ('slow')").run();
      return 1;
    });
    await new Promise((r) => setImmediate(r)); // the batch has started
    await gc.flush();
    expect((sqlite.prepare('select count(*) n from t').get() as { n: number }).n).toBe(1);
    await expect(p).resolves.toBe(1);
  });
});
