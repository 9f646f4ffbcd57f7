import { buildApp } from './app';
import { loadConfig } from './config';
import { openDb } from './db/client';
import { bootstrap } from './domain/bootstrap';
import { join } from 'node:path';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = openDb(join(config.dataDir, 'lang-nghe.db'));
  const app = await buildApp({
    config,
    db,
    logger: { level: config.logLevel, ...(process.stdout.isTTY && { transport: undefined }) },
  });

  const first = await bootstrap(app.services, config.adminPassword);
  await app.listen({ port: config.port, host: config.host });

  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${config.port}`;
  const lines = [`Lắng Nghe is running at ${url}`, `  API docs: ${url}/api/docs`];
  if (first.created) {
    const c = first.created;
    lines.push(
      '',
      'First start: created the admin account and a sample session.',
      `  Admin login:  ${c.adminUsername} / ${c.adminPassword}${c.passwordGenerated ? '   (generated; set ADMIN_PASSWORD to choose one)' : ''}`,
      `  Staff login:  ${url}/login`,
      `  Sample session join code: ${c.joinCode}   (${url}/j/${c.joinCode})`,
      `  Big screen:   ${url}/display/${c.sessionId}`,
    );
  }
  console.log('\n' + lines.join('\n') + '\n');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // Stop accepting, finish in-flight requests and acks, then close the db.
    const timer = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    try {
      await app.close();
      db.$client.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
