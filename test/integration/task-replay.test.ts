import { describe, expect, it } from 'vitest';
import { deliveredNow, judgeReplay, type RecordedMutation, recordMutations, taskReplay } from '#local/task-replay.js';
import { provisionWorld } from '#local/world.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();

const SERVICES = 20;
/** Tasks per service: the suite's size; `npm run bench:replay` replays 10,000 events. */
const TASKS = 3;
const BATCH = 100;
const CONFIG = `
version: 1
clusters:
  - name: prod
    services:
      - name: '*'
`;

describe('Function: task-state-change, duplicate and out-of-order replay', () => {
  it('removes each stopping task target once and nothing else, with 10 % of events duplicated and 10 % reordered', async () => {
    // Prepare: two containers take the queue's batches in turn; their clients record every mutating call
    const names = Array.from({ length: SERVICES }, (_, i) => `svc${String(i).padStart(2, '0')}`);
    const world = await provisionWorld(proxy.endpoint, { services: names.map((name) => ({ name, tasks: TASKS })) });
    const replay = taskReplay(world, { seed: 10_000 });
    const mutations: RecordedMutation[] = [];
    const containers = [];
    for (let n = 0; n < 2; n++) {
      const container = await coldContainer(world, 'task-state-change', CONFIG);
      const { elbv2Client } = await import('#shared/aws/elbv2.js');
      elbv2Client.middlewareStack.use(recordMutations(mutations));
      containers.push(container);
    }

    // Act
    for (let i = 0; i * BATCH < replay.events.length; i++) {
      await containers[i % 2]?.reactBatch(deliveredNow(replay.events.slice(i * BATCH, (i + 1) * BATCH)));
    }

    // Assess
    const verdict = judgeReplay(world, replay, mutations);
    expect(replay.duplicated, 'the replay duplicates about 10 %').toBeGreaterThan(replay.events.length * 0.05);
    expect(replay.reordered, 'and reorders about 10 %').toBeGreaterThan(replay.events.length * 0.04);
    expect(verdict).toMatchObject({ extraRemovals: 0, staleActions: 0, missedRemovals: 0 });
    expect(verdict.deregisterCalls, 'the stops were acted on').toBeGreaterThan(0);
  });
});
