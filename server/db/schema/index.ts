// The tables the server's repos are written against. Until the repos go
// through the dialect-neutral port (issue 13), they use the SQLite schema;
// ./pg.ts is its PostgreSQL twin, kept equal by tests/server/schema-parity.test.ts.
export * from './sqlite';
