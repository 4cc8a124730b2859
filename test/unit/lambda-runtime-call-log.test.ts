import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallMeter } from '#shared/aws/call-meter.js';
import { homeOf, logAwsCallsAndFailures } from '#shared/lambda/runtime.js';

const saved = { ...process.env };

/** A logger that keeps what it was told, by level. */
function recordingLogger() {
  const info = vi.fn();
  const error = vi.fn();
  return { logger: { info, error } as unknown as Logger, info, error };
}

describe('Function: logAwsCallsAndFailures', () => {
  afterEach(() => {
    process.env = { ...saved };
  });

  it("logs the calls of this invocation only, not those of the warm container's earlier ones", async () => {
    // Prepare
    const meter = new CallMeter();
    meter.record('ECS.DescribeServices');
    const { logger, info } = recordingLogger();
    const handler = middy(async () => {
      meter.record('ELBv2.DescribeTargetHealth');
      meter.record('ELBv2.DescribeTargetHealth');
      return 'done';
    }).use(logAwsCallsAndFailures(logger, { meter }));

    // Act
    const result = await handler({}, {} as never);

    // Assess
    expect(result).toBe('done');
    expect(info).toHaveBeenCalledExactlyOnceWith('aws calls', {
      awsCalls: { 'ELBv2.DescribeTargetHealth': 2 },
      total: 2,
    });
  });

  it('logs a failure with its cause and the calls made before it, and lets Lambda retry it', async () => {
    // Prepare
    const meter = new CallMeter();
    const { logger, info, error } = recordingLogger();
    const failure = new Error('DescribeServices throttled');
    const handler = middy(async () => {
      meter.record('ECS.DescribeServices');
      throw failure;
    }).use(logAwsCallsAndFailures(logger, { meter }));

    // Act
    const invoked = handler({}, {} as never);

    // Assess
    await expect(invoked).rejects.toBe(failure);
    expect(error).toHaveBeenCalledExactlyOnceWith(
      'reaction failed; Lambda retries it, then sends the event to the DLQ',
      { error: failure },
    );
    expect(info).toHaveBeenCalledExactlyOnceWith('aws calls', { awsCalls: { 'ECS.DescribeServices': 1 }, total: 1 });
  });

  it('leaves account and region empty when the ARN names neither and Lambda sets no region', () => {
    // Prepare
    delete process.env.AWS_REGION;

    // Act
    const home = homeOf({ invokedFunctionArn: 'ecs-autopilot-prod-reconciler' });

    // Assess
    expect(home).toEqual({ account: '', region: '' });
  });
});
