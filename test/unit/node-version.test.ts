import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '#test/support/fixtures.js';

/** The major of a Node version or of a Lambda runtime name: `>=24` → 24, `nodejs24.x` → 24, `v24.21.0` → 24. */
const majorOf = (version: string) => Number(/(\d+)/.exec(version)?.[1]);

describe('Node versions', () => {
  it('claims as lowest Node the one the functions run on, and runs the tests on it or later', () => {
    // Prepare
    const engines = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    const runtime = (parse(readFileSync(join(repoRoot, 'serverless.yml'), 'utf8')) as { provider: { runtime: string } })
      .provider.runtime;

    // Assess
    expect(engines).toMatch(/^>=\d+$/);
    expect(majorOf(engines)).toBe(majorOf(runtime));
    expect(majorOf(process.version)).toBeGreaterThanOrEqual(majorOf(engines));
  });
});
