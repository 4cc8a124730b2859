import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { awsCalls } from '#shared/aws/call-meter.js';
import { AutopilotError } from '#shared/errors.js';
import { InvalidEventError } from '#shared/events/errors.js';
import type { logger as appLogger } from '#shared/logging/logger.js';
import { loadEvent } from '#test/support/fixtures.js';
import { lambdaContext } from '../../cli/replay.js';
import { fuzzRuns, mutatedEvents } from './events.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The functions fuzzed whole, each with the samples its rules deliver. */
const functions = [
  {
    name: 'task-state-change',
    load: () => import('#functions/task-state-change/handler.js'),
    samples: ['task-stopped-out-of-memory', 'task-stopping-first-event', 'task-running'],
    // Fed by the task-events queue: each event arrives as the body of one SQS record.
    queued: true,
  },
  {
    name: 'alarm-state-change',
    load: () => import('#functions/alarm-state-change/handler.js'),
    samples: ['alarm-service-cpu-high', 'alarm-target-group-unhealthy-hosts'],
  },
  {
    name: 'service-event',
    load: () => import('#functions/service-event/handler.js'),
    samples: ['deployment-failed', 'service-task-placement-failure'],
  },
] as const;

const handlers = new Map<string, Handler>();
/** The product's logger, loaded once the environment silences it. */
let logger: typeof appLogger;

/** A Lambda context in the samples' own account and region, so that events get past the origin check. */
const sampleAccountContext = (name: string): Context => ({
  ...lambdaContext(name),
  invokedFunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:ecs-autopilot-${name}`,
});

beforeAll(async () => {
  // A config that manages no cluster of the samples: whatever gets through parsing must still make no AWS call.
  const dir = mkdtempSync(join(tmpdir(), 'ecs-autopilot-fuzz-'));
  const configFile = join(dir, 'ecs-autopilot.yml');
  writeFileSync(configFile, 'version: 1\nclusters:\n  - name: fuzz-unmanaged\n    services:\n      - name: "*"\n');
  Object.assign(process.env, {
    AUTOPILOT_CONFIG_FILE: configFile,
    ALERT_OUTBOX_URL: 'http://127.0.0.1:9/000000000000/outbox.fifo',
    STATE_TABLE_NAME: 'fuzz-state',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'fuzz',
    AWS_SECRET_ACCESS_KEY: 'fuzz',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ logger } = await import('#shared/logging/logger.js'));
  for (const { name, load } of functions) handlers.set(name, (await load()).handler as Handler);
});

/** An event as the task-events queue hands it to the function: the body of one SQS record. */
const queuedRecord = (event: unknown) => ({
  Records: [{ messageId: 'fuzz-1', body: JSON.stringify(event), attributes: { ApproximateReceiveCount: '1' } }],
});

describe.each(functions)('Fuzz: $name handler', ({ name, samples, ...fed }) => {
  it.each(samples)(
    'takes any event made from %s without a crash, a mutation or more than one error line',
    async (sample) => {
      await fc.assert(
        fc.asyncProperty(mutatedEvents(loadEvent(sample)), async (event) => {
          // Prepare
          const handler = handlers.get(name) as Handler;
          const errorLines = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
          errorLines.mockClear();
          awsCalls.reset();

          // Act
          const queued = 'queued' in fed;
          const outcome = await handler(queued ? queuedRecord(event) : event, sampleAccountContext(name)).then(
            (response: unknown) => (queued ? response : undefined),
            (error: unknown) => error,
          );

          // Assess
          expect(awsCalls.total()).toBe(0);
          if (queued) {
            // A message the function cannot read goes back to the queue (then to its DLQ) with one error line.
            const failures = (outcome as { batchItemFailures: unknown[] }).batchItemFailures;
            expect(failures.length).toBeLessThanOrEqual(1);
            expect(errorLines).toHaveBeenCalledTimes(failures.length);
          } else if (outcome === undefined) {
            expect(errorLines).not.toHaveBeenCalled();
          } else {
            expect(outcome).toBeInstanceOf(AutopilotError);
            if (outcome instanceof InvalidEventError) expect(outcome.message).toMatch(/^invalid .+ event:\n {2}- /);
            expect(errorLines).toHaveBeenCalledTimes(1);
          }
        }),
        { numRuns: fuzzRuns(25) },
      );
    },
  );
});
