import { describe, expect, it } from 'vitest';
import { defaultOptions, runBench, type BenchOptions } from '../../bench/run';

/**
 * Keeps `npm run bench` working: a tiny run of the real harness (server in
 * its own process, 50 real socket.io-client participants in a worker, the
 * bare ws floor). Asserts correctness only, never timing: every action the
 * server acknowledged is in the database exactly once.
 */
/** A few seconds of traffic: raw Engine.IO/Socket.IO phones, and two real socket.io-client observers. */
const SMOKE = {
  client: 'raw',
  observers: 2,
  joinConcurrency: 16,
  phases: [
    { name: 'questions', durationMs: 1000, votesPerSec: 0, questionsPerSec: 10 },
    { name: 'mixed', durationMs: 1500, votesPerSec: 100, questionsPerSec: 10 },
  ],
  drainMs: 300,
  settleMs: { idle: 200, joined: 200, between: 100 },
  ackTimeoutMs: 10_000,
} satisfies Partial<BenchOptions>;

describe('benchmark smoke run', () => {
  it('runs the harness end to end with nothing lost or duplicated', { timeout: 90_000 }, async () => {
    const result = await runBench(
      defaultOptions({
        participants: 50,
        workers: 1,
        ...SMOKE,
        floor: true,
        quiet: true,
        maxRunMs: 80_000,
        label: 'ci-smoke',
      }),
    );
    expect(result.join.joined).toBe(50);
    for (const phase of result.phases) {
      expect(phase.acked.questions + phase.acked.votes, phase.name).toBeGreaterThan(0);
      expect(phase.timeouts, phase.name).toBe(0);
      expect(phase.errors, phase.name).toEqual({});
      expect(phase.floor?.deliveries ?? 0, phase.name).toBeGreaterThan(0);
    }
    const c = result.correctness;
    expect(c.serverExitCode).toBe(0);
    // Every observer's last tally shows what the database holds.
    expect(c.tallies.checked).toBeGreaterThan(0);
    expect(c.tallies.mismatches, c.tallies.examples.join('; ')).toBe(0);
    for (const phase of result.phases) expect(phase.limit, phase.name).toMatch(/^(GENERATOR|SERVER|MACHINE|DISK|neither)/);
    expect(c.questions.acked).toBeGreaterThan(0);
    expect(c.votes.acked).toBeGreaterThan(0);
    expect({ lost: c.questions.lost, duplicated: c.questions.duplicated, extra: c.questions.unacknowledgedInDb }).toEqual({ lost: 0, duplicated: 0, extra: 0 });
    expect({ lost: c.votes.lost, duplicated: c.votes.duplicated, extra: c.votes.unacknowledgedInDb, mismatches: c.votes.countMismatches }).toEqual({
      lost: 0,
      duplicated: 0,
      extra: 0,
      mismatches: 0,
    });
  });
});

/**
 * `npm run bench -- --scenario two-nodes`: the same harness against two server
 * processes on a fresh PostgreSQL database and Redis, phones and observers
 * alternating between them. Asserts what a cross-node run must show: votes
 * acknowledged by one node reach observers on the other, and every
 * acknowledged action is stored once.
 */
describe.skipIf(!process.env.TEST_PG_URL || !process.env.TEST_REDIS_URL || process.env.TEST_DB === 'pg')('benchmark smoke run on two nodes', () => {
  it('measures cross-node vote-to-visible with nothing lost or duplicated', { timeout: 240_000 }, async () => {
    const result = await runBench(
      defaultOptions({
        participants: 40,
        workers: 2,
        nodes: 2,
        pgUrl: process.env.TEST_PG_URL!,
        redisUrl: process.env.TEST_REDIS_URL!,
        ...SMOKE,
        floor: false,
        quiet: true,
        maxRunMs: 230_000,
        label: 'ci-smoke-two-nodes',
      }),
    );
    expect(result.deployment).toMatchObject({ nodes: 2, engine: 'postgresql', firstStartBy: 1 });
    expect(result.join.joined).toBe(40);
    const mixed = result.phases.find((p) => p.name === 'mixed')!;
    expect(mixed.errors).toEqual({});
    expect(mixed.timeouts).toBe(0);
    // Both nodes worked, and votes acked on one were seen on the other.
    expect(mixed.server.nodes).toHaveLength(2);
    for (const n of mixed.server.nodes) expect(n.cpuCores).toBeGreaterThan(0);
    expect(mixed.voteToVisibleByNode!.cross.n).toBeGreaterThan(0);
    expect(mixed.voteToVisibleMs.notVisible).toBe(0);
    const c = result.correctness;
    expect(c.serverExitCode).toBe(0);
    expect(c.tallies.checked).toBeGreaterThan(0);
    expect(c.tallies.mismatches, c.tallies.examples.join('; ')).toBe(0);
    expect(c.votes.acked).toBeGreaterThan(0);
    expect({ lost: c.questions.lost, duplicated: c.questions.duplicated, extra: c.questions.unacknowledgedInDb }).toEqual({ lost: 0, duplicated: 0, extra: 0 });
    expect({ lost: c.votes.lost, duplicated: c.votes.duplicated, extra: c.votes.unacknowledgedInDb, mismatches: c.votes.countMismatches }).toEqual({
      lost: 0,
      duplicated: 0,
      extra: 0,
      mismatches: 0,
    });
  });
});
