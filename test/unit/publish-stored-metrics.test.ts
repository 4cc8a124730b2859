import { cleanupMiddlewares } from '@aws-lambda-powertools/commons';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { publishStoredMetrics } from '#shared/logging/publish-metrics.js';

/** What the invocation wrote to stdout and stderr while `act` ran: EMF documents and Powertools' warnings alike. */
async function output(act: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  vi.spyOn(console, 'warn').mockImplementation((...args) => void capture(args.join(' ')));
  try {
    await act().catch(() => undefined);
  } finally {
    vi.restoreAllMocks();
  }
  return lines;
}

const emf = (lines: string[]) => lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
const metricsOf = () => new Metrics({ namespace: 'ecs-autopilot', serviceName: 'ecs-autopilot' });

describe('Function: publishStoredMetrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('publishes what the invocation counted once it ends', async () => {
    // Prepare
    const metrics = metricsOf();
    const handler = middy(async () => {
      metrics.addMetric('targetsDeregistered', MetricUnit.Count, 2);
      return 'done';
    }).use(publishStoredMetrics(metrics));

    // Act
    const lines = await output(() => handler({}, {} as never));

    // Assess
    expect(emf(lines)).toHaveLength(1);
    expect(emf(lines)[0]).toMatchObject({ targetsDeregistered: 2 });
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('publishes what a failed invocation counted before it failed', async () => {
    // Prepare
    const metrics = metricsOf();
    const handler = middy(async () => {
      metrics.addMetric('eventsFailed', MetricUnit.Count, 1);
      throw new Error('DescribeServices throttled');
    }).use(publishStoredMetrics(metrics));

    // Act
    const lines = await output(() => handler({}, {} as never));

    // Assess
    expect(emf(lines).map((doc) => doc.eventsFailed)).toEqual([1]);
  });

  it('says nothing after an invocation that counted nothing', async () => {
    // Prepare
    const metrics = metricsOf();
    const handler = middy(async () => 'nothing to count').use(publishStoredMetrics(metrics));

    // Act
    const lines = await output(() => handler({}, {} as never));

    // Assess
    expect(lines).toEqual([]);
  });

  it('publishes when a later middleware ends the invocation early, as an idempotent replay does', async () => {
    // Prepare: a middleware answering from a stored result cleans up the others' work, then returns
    const metrics = metricsOf();
    const replay: MiddlewareObj = {
      before: async (request) => {
        metrics.addMetric('replayed', MetricUnit.Count, 1);
        await cleanupMiddlewares(request);
        return 'stored result';
      },
    };
    const work = vi.fn(async () => 'fresh result');
    const handler = middy(work).use(publishStoredMetrics(metrics)).use(replay);

    // Act
    let result: unknown;
    const lines = await output(async () => {
      result = await handler({}, {} as never);
    });

    // Assess
    expect(result).toBe('stored result');
    expect(work).not.toHaveBeenCalled();
    expect(emf(lines).map((doc) => doc.replayed)).toEqual([1]);
  });
});
