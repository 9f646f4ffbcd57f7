import { buildApp } from './app';
import { loadConfig } from './config';
import { openDatabase } from './db/open';
import { bootstrap } from './domain/bootstrap';
import { trustProxyWarnings } from './http/client-address';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

/** IPv4 addresses of this machine's network interfaces, loopback left out. */
function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
}

async function main(): Promise<void> {
  const config = loadConfig();
  for (const warning of trustProxyWarnings(config.trustProxy, config.host)) console.warn(`WARNING: ${warning}`);
  const database = await openDatabase({ databaseUrl: config.cluster?.databaseUrl ?? null, dataDir: config.dataDir });
  const app = await buildApp({
    config,
    db: database.port,
    logger: { level: config.logLevel, ...(process.stdout.isTTY && { transport: undefined }) },
  });

  const first = await bootstrap(app.services, config.adminPassword);
  await app.listen({ port: config.port, host: config.host });

  const port = (app.server.address() as AddressInfo).port;
  const publicUrl = (await app.services.settings.get()).publicUrl;
  const local = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
  // The address a phone in the hall can use: the public URL when set, else
  // the first LAN address (a hall PC's "localhost" is no use to a phone).
  const lan = config.host === '0.0.0.0' || config.host === '::' ? lanAddresses().map((a) => `http://${a}:${port}`) : [];
  const url = publicUrl ?? lan[0] ?? local;
  const lines = [`Lắng Nghe is running at ${local}`];
  if (publicUrl) lines.push(`  Public address (links and QR codes): ${publicUrl}`);
  else if (lan.length > 0) {
    lines.push(`  On the local network: ${lan.join('  ')}`);
    lines.push('  Set PUBLIC_URL (or the admin\'s Settings page) to the address phones should use in QR codes.');
  }
  lines.push(`  API docs: ${local}/api/docs`);
  if (first.created) {
    const c = first.created;
    lines.push(
      '',
      'First start: created the admin account and a sample session.',
      `  Admin login:  ${c.adminUsername} / ${c.adminPassword}${c.passwordGenerated ? '   (generated; set ADMIN_PASSWORD to choose one)' : ''}`,
      `  Staff login:  ${local}/login`,
      `  Sample session join code: ${c.joinCode}   (${url}/j/${c.joinCode})`,
      `  Big screen:   ${local}/display/${c.sessionId}`,
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
      await database.close();
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
