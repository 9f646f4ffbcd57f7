// `npm run build`, after Vite: writes a .br and a .gz next to every text
// asset of dist/client, so the server sends them pre-compressed
// (@fastify/static `preCompressed`) without compressing on each request.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = 'dist/client';
const textual = /\.(js|css|html|svg|json|txt|map|webmanifest)$/;
let raw = 0;
let br = 0;
let files = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) walk(file);
    else if (textual.test(name)) {
      const data = readFileSync(file);
      const brotli = brotliCompressSync(data, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
      });
      writeFileSync(file + '.br', brotli);
      writeFileSync(file + '.gz', gzipSync(data, { level: 9 }));
      raw += data.length;
      br += brotli.length;
      files++;
    }
  }
};
walk(root);
console.log(`compressed ${files} client files: ${(raw / 1024).toFixed(0)} KB → ${(br / 1024).toFixed(0)} KB brotli`);
