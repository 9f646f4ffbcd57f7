// `npm run build`, second half: bundles the server (and the backup script)
// into plain JavaScript under dist/server, run by `node` in production.
// Packages stay external: they come from node_modules, and the metafile
// (dist/server/meta.json) lists what the bundle imports at run time, so a
// test can check that every one is a production dependency.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';

const result = await build({
  entryPoints: { main: 'server/main.ts', backup: 'scripts/backup.ts' },
  outdir: 'dist/server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});
writeFileSync('dist/server/meta.json', JSON.stringify(result.metafile));
console.log('server bundled into dist/server (main.js, backup.js)');
