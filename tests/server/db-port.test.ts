import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../server/db/group-commit';
import { SqlitePort } from '../../server/db/port';
import { RetriesExhausted } from '../../server/db/retry';
import { domainErrorOf } from '../../server/domain/errors';
import { registerErrorHandling } from '../../server/http/errors';
import type { Services } from '../../server/domain/services';
import type { Broadcaster } from '../../server/realtime/broadcaster';
import { registerHandlers, type AppSocket } from '../../server/realtime/handlers';

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

/**
 * A conflict PostgreSQL reports (deadlock victim, serialisation failure) is
 * retried; one that outlasts the retries reaches the client as 503
 * SERVER_BUSY. Played on SQLite with a port that calls one error retryable.
 */
describe('conflicts that outlast the retries', () => {
  class Conflict extends Error {}
  class FlakyPort extends SqlitePort {
    override isRetryable(err: unknown): boolean {
      return err instanceof Conflict;
    }
  }

  it('runs a conflicting action again, and answers one that keeps conflicting as SERVER_BUSY without costing the batch', async () => {
    const flaky = new FlakyPort(sqlite);
    const gc = new GroupCommit(flaky);
    let tries = 0;
    const twiceUnlucky = gc.run(async () => {
      if (++tries < 3) throw new Conflict('deadlock detected');
      sqlite.prepare("insert into t (v) values ('third time')").run();
      return 'ok';
    });
    let hopelessTries = 0;
    const hopeless = gc.run(async () => {
      hopelessTries++;
      sqlite.prepare("insert into t (v) values ('never')").run();
      throw new Conflict('deadlock detected');
    });
    const fine = gc.run(async () => sqlite.prepare("insert into t (v) values ('fine')").run().changes);
    const [a, b, c] = await Promise.allSettled([twiceUnlucky, hopeless, fine]);
    expect(a).toEqual({ status: 'fulfilled', value: 'ok' });
    expect(c).toEqual({ status: 'fulfilled', value: 1 });
    expect(b.status).toBe('rejected');
    expect(hopelessTries).toBe(3);
    const busy = domainErrorOf((b as PromiseRejectedResult).reason);
    expect([busy?.code, busy?.status]).toEqual(['SERVER_BUSY', 503]);
    expect((sqlite.prepare('select v from t order by id').all() as { v: string }[]).map((x) => x.v)).toEqual(['third time', 'fine']);
  });

  it('lets any other error through at once, untouched', async () => {
    const gc = new GroupCommit(new FlakyPort(sqlite));
    let tries = 0;
    const refused = new Error('a rule said no');
    await expect(
      gc.run(() => {
        tries++;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(tries).toBe(1);
    expect(domainErrorOf(refused)).toBeUndefined();
  });

  it('is answered 503 SERVER_BUSY over HTTP', async () => {
    const app = Fastify();
    registerErrorHandling(app);
    app.get('/busy', async () => {
      throw new RetriesExhausted(new Conflict('could not serialize access'));
    });
    const res = await app.inject({ method: 'GET', url: '/busy' });
    expect(res.statusCode).toBe(503);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('SERVER_BUSY');
    await app.close();
  });

  it('is acked SERVER_BUSY over a socket', async () => {
    const handlers = new Map<string, (payload: unknown, ack: (r: unknown) => void) => void>();
    const socket = { on: (event: string, h: (payload: unknown, ack: (r: unknown) => void) => void) => handlers.set(event, h) };
    const services = { questions: { vote: () => Promise.reject(new RetriesExhausted(new Conflict('deadlock detected'))) } };
    const logged: unknown[] = [];
    registerHandlers(socket as unknown as AppSocket, {
      services: services as unknown as Services,
      broadcaster: {} as Broadcaster,
      actorOf: () => ({ kind: 'participant', participantId: 1, sessionId: 1 }),
      log: { error: (obj) => logged.push(obj) },
    });
    const ack = await new Promise((resolve) => handlers.get('question:vote')!({ questionId: 7 }, resolve));
    expect(ack).toMatchObject({ ok: false, error: { code: 'SERVER_BUSY' } });
    expect(logged).toEqual([]);
  });
});
