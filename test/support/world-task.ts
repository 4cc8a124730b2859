import type { World } from '#local/world.js';

/** The `index`-th task the world started for `service`; fails the test when there is none. */
export function worldTask(world: World, service: string, index: number) {
  const found = world.services[service]?.tasks[index];
  if (!found) throw new Error(`no task ${index} in ${service}`);
  return found;
}
