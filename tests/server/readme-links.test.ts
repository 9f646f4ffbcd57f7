import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 14: the README linked ../shared/API.md, which a clone does not have.
 * Every relative link of the README and of docs/*.md must name a file or
 * directory of the repository.
 */
const ROOT = process.cwd();
const files = ['README.md', 'client/README.md', 'bench/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)].filter(
  (f) => existsSync(join(ROOT, f)),
);

describe('documentation links', () => {
  it.each(files)('%s links only files the repository has', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('#'))
      .map((href) => decodeURIComponent(href.split('#')[0]!));
    const missing = targets.filter((href) => {
      const path = resolve(dirname(join(ROOT, file)), href);
      return !path.startsWith(ROOT + '/') || !existsSync(path);
    });
    expect(missing).toEqual([]);
  });

  it('has links to check', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/\]\(docs\/[a-z-]+\.md\)/);
  });
});
