import { describe, expect, it } from 'vitest';
import { invocationLeases } from '#shared/executor/invocation-leases.js';
import { memoryLeaseStore } from '#test/support/leases.js';

const store = memoryLeaseStore();
const invocation = (remainingMs?: number) => ({
  awsRequestId: 'request-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ecs-autopilot-dev-reconciler',
  ...(remainingMs === undefined ? {} : { getRemainingTimeInMillis: () => remainingMs }),
});

describe('Leases of an invocation', () => {
  it('outlive the invocation that takes them, owned by its request', () => {
    // Act: a reconciler sweep with almost all of its 120 s ahead of it
    const leases = invocationLeases(store, invocation(119_400));

    // Assess
    expect(leases).toEqual({ store, owner: 'request-1', ttlSeconds: 125 });
  });

  it('live a minute at least, and a minute when the invocation does not say how long it may run', () => {
    expect(invocationLeases(store, invocation(12_000)).ttlSeconds).toBe(60);
    expect(invocationLeases(store, invocation()).ttlSeconds).toBe(60);
  });
});
