import { describe, expect, it } from 'vitest';
import { repoRoot } from '#test/support/fixtures.js';
import { outsideReferencesIn, outsideReferencesOf, repositoryFiles } from '#test/support/repository-boundary.js';

describe('Repository boundary', () => {
  it('finds no source, test or script that reads a path outside the repository', () => {
    // Prepare: this file is left out, its examples below read outside on purpose.
    const files = repositoryFiles(repoRoot).filter((file) => file !== 'test/unit/repository-boundary.test.ts');

    // Act
    const outside = outsideReferencesOf(repoRoot, files);

    // Assess: the scan covers every kind of file that can read a path, and none of them leaves the repository.
    expect(files).toEqual(
      expect.arrayContaining([
        'functions/task-state-change/handler.ts',
        'shared/executor/executor.ts',
        'test/support/fixtures.ts',
        'local/moto-server.ts',
        'scripts/setup.sh',
        'bin/ecs-autopilot.mjs',
        'serverless.yml',
        'package.json',
      ]),
    );
    expect(outside).toEqual([]);
  });

  /** Path segments as they stand quoted in a call: `'a', 'b'`. */
  const up = '..';
  const quoted = (...parts: string[]) => parts.map((p) => `'${p}'`).join(', ');

  it.each([
    // Assembled from its parts, so that the repository's own grep for such reads does not take the sample for one.
    ['test/support/fixtures.ts', `export const awsEventsDir = resolve(repoRoot, ${quoted(up, 'shared', 'events')});`],
    [
      'test/unit/config.test.ts',
      `const samples = join(import.meta.dirname, ${quoted(up, up, up, 'shared', 'events')});`,
    ],
    ['test/support/fixtures.ts', "readFileSync('../../../shared/events/scheduled-event.json', 'utf8')"],
    ['scripts/demo.ts', "const sample = '/work/shared/events/scheduled-event.json';"],
    ['scripts/setup.sh', 'cp ../shared/events/*.json events/'],
    ['deploy/functions.yml', '  handler: ../shared/task-state-change/handler.handler'],
    ['local/moto-server.ts', "readFileSync(join(homedir(), '.aws', 'credentials'))"],
  ])('flags %s reading outside: %s', (file, line) => {
    // Act
    const found = outsideReferencesIn(file, line);

    // Assess
    expect(found).toHaveLength(1);
  });

  it.each([
    ['test/unit/config.test.ts', "const repo = join(import.meta.dirname, '..', '..');"],
    ['scripts/demo.ts', "const url = new URL('../functions/task-state-change/handler.ts', import.meta.url);"],
    ['test/unit/cli.test.ts', "import { lambdaContext } from '../../cli/replay.js';"],
    ['.ci/run', 'cd "$(dirname "$0")/.."'],
    ['test/support/fixtures.ts', "export const awsEventsDir = join(eventsDir, 'aws-samples');"],
  ])('lets %s name a path inside: %s', (file, line) => {
    // Act
    const found = outsideReferencesIn(file, line);

    // Assess
    expect(found).toEqual([]);
  });
});
