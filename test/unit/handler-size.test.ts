import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '#test/support/fixtures.js';

/** A handler is wiring only (parse, call, map errors); what grows past this belongs in shared/. */
const MAX_HANDLER_LINES = 40;

describe('Function handlers', () => {
  it(`keep every functions/<name>/handler.ts to ${MAX_HANDLER_LINES} lines`, () => {
    // Prepare
    const functionsDir = join(repoRoot, 'functions');
    const handlers = readdirSync(functionsDir).map((name) => `functions/${name}/handler.ts`);

    // Act
    const lines = Object.fromEntries(
      handlers.map((file) => [file, readFileSync(join(repoRoot, file), 'utf8').trimEnd().split('\n').length]),
    );

    // Assess
    expect(handlers).toContain('functions/alarm-state-change/handler.ts');
    expect(Object.entries(lines).filter(([, n]) => n > MAX_HANDLER_LINES)).toEqual([]);
  });
});
