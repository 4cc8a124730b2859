import { afterEach, describe, expect, it } from 'vitest';
import { DeadlineBoundHttpHandler, awsCallDeadline as deadlineNow, setAwsCallDeadline } from '#shared/aws/deadline.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';

const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as never;

describe('AWS call deadline', () => {
  afterEach(() => {
    setAwsCallDeadline(undefined);
  });

  it('ends AWS calls 3 s before the invocation would time out, and forgets the deadline after it', async () => {
    // Prepare
    const middleware = awsCallDeadline();
    const before = Date.now();

    // Act
    await middleware.before?.({ context: context(30_000) } as never);
    const during = deadlineNow();
    await middleware.after?.({} as never);

    // Assess
    expect(during).toBeGreaterThanOrEqual(before + 27_000);
    expect(during).toBeLessThanOrEqual(Date.now() + 27_000);
    expect(deadlineNow()).toBeUndefined();
  });

  it('keeps half of a short remaining time in reserve', async () => {
    // Prepare
    const middleware = awsCallDeadline();
    const before = Date.now();

    // Act
    await middleware.before?.({ context: context(2_000) } as never);

    // Assess
    expect(deadlineNow()).toBeGreaterThanOrEqual(before + 1_000);
    expect(deadlineNow()).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it('starts no call once the deadline has passed', async () => {
    // Prepare
    const handler = new DeadlineBoundHttpHandler({ requestTimeout: 3_000 }, () => 2_000);
    setAwsCallDeadline(1_000);
    const request = {
      method: 'POST',
      protocol: 'https:',
      hostname: 'ecs.us-east-1.amazonaws.com',
      path: '/',
      headers: {},
      query: {},
    } as unknown as Parameters<DeadlineBoundHttpHandler['handle']>[0];

    // Act
    const call = handler.handle(request);

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'DeadlineExceededError' });
  });
});
