import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root: this file lives in test/support. */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Our sample events, one per case (see events/README.md). */
export const eventsDir = join(repoRoot, 'events');

/** The untouched real AWS samples, copied into the repository (see events/aws-samples/README.md). */
export const awsEventsDir = join(eventsDir, 'aws-samples');

const awsPrefix = 'aws:';
const cache = new Map<string, unknown>();

function pathOf(name: string): string {
  return name.startsWith(awsPrefix)
    ? join(awsEventsDir, `${name.slice(awsPrefix.length)}.json`)
    : join(eventsDir, `${name}.json`);
}

/**
 * A sample event by name: `task-stopped-user` reads `events/task-stopped-user.json`,
 * `aws:ecs-task-state-change-fargate-running-docs` reads the real AWS sample of that name.
 * Every call returns a fresh deep copy, so a test may change what it gets.
 */
export function loadEvent(name: string): unknown {
  let parsed = cache.get(name);
  if (parsed === undefined) {
    parsed = JSON.parse(readFileSync(pathOf(name), 'utf8')) as unknown;
    cache.set(name, parsed);
  }
  return structuredClone(parsed);
}

/** The names `loadEvent` takes for the `.json` files of a directory, optionally filtered by prefix. */
export function eventNames(source: 'repo' | 'aws', prefix = ''): string[] {
  const dir = source === 'aws' ? awsEventsDir : eventsDir;
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json') && file.startsWith(prefix))
    .sort()
    .map((file) => `${source === 'aws' ? awsPrefix : ''}${file.slice(0, -'.json'.length)}`);
}
