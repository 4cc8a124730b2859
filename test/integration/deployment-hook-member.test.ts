import { afterAll, describe, expect, it, vi } from 'vitest';
import { startAccountEndpoint } from '#local/moto-account.js';
import type { LifecycleHookAnswer } from '#shared/events/lifecycle-hook.js';
import { provisionBlueGreen, serviceRevisionsAsEcs } from '#test/support/blue-green-world.js';
import { loadEvent } from '#test/support/fixtures.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { lambdaContext } from '../../cli/replay.js';

// ECS's DescribeServiceRevisions is not in moto: the proxy answers it as ECS does. The member's endpoint sits in
// front of the proxy, so its rules apply in the member account too.
const proxy = await useMotoProxy();
const MEMBER = '222222222222';
const member = await startAccountEndpoint(proxy.endpoint, MEMBER);
afterAll(() => member.stop());
// The member stack's copy of the function: its own credentials are the member account's.
process.env.AWS_ENDPOINT_URL = member.endpoint;
vi.resetModules();
const { handler } = await import('#functions/deployment-hook/handler.js');

describe("Function: deployment-hook, deployed in a member account's stack", () => {
  it("answers ECS from the member account's own rules and service, assuming no role", async () => {
    // Prepare: the member's service before its production shift, all production traffic on blue
    const world = await provisionBlueGreen(member.endpoint, 100);
    const event = loadEvent('ecs-lifecycle-hook/pre-production-traffic-shift') as {
      resourceArn: string;
      executionDetails: Record<string, unknown>;
    };
    const revision = (id: string) => `${world.serviceArn.replace(':service/', ':service-revision/')}/${id}`;
    const [green, blue] = [revision('9313423515462893900'), revision('1920498462936580504')];
    event.resourceArn = world.serviceArn.replace(':service/', ':service-deployment/').concat('/EZe5RNVLH6PPzHXINuP28');
    event.executionDetails = {
      serviceArn: world.serviceArn,
      targetServiceRevisionArn: green,
      testTrafficWeights: {},
      productionTrafficWeights: { [green]: 0, [blue]: 100 },
    };
    proxy.addRule(serviceRevisionsAsEcs(world, () => green));
    const assumed = proxy.calls().filter((c) => c.operation === 'AssumeRole');

    // Act
    const answer = await (handler as unknown as (e: unknown, c: unknown) => Promise<LifecycleHookAnswer>)(
      event,
      lambdaContext('deployment-hook', { account: MEMBER, region: 'us-east-1' }),
    );

    // Assess
    expect(world.serviceArn.split(':')[4]).toBe(MEMBER);
    expect(answer.hookStatus).toBe('SUCCEEDED');
    expect(proxy.calls().filter((c) => c.operation === 'AssumeRole')).toEqual(assumed);
    expect(proxy.calls().some((c) => c.operation === 'DescribeRules')).toBe(true);
  });
});
