import { Logger } from '@aws-lambda-powertools/logger';
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import type { DeregisterTargetsAction } from '#shared/executor/actions.js';
import { Executor, type ExecutorOptions } from '#shared/executor/executor.js';
import { deregisterTargets } from '#shared/executor/kinds/elbv2.js';
import { TG_WEB } from '#test/support/builders.js';

/** One ELB client for the executor's unit tests, its calls answered by aws-sdk-client-mock. */
export const elbv2 = new ElasticLoadBalancingV2Client({ region: 'us-east-1' });
export const elbv2Mock = mockClient(elbv2);
const logger = new Logger({ logLevel: 'SILENT' });

/** A deregistration of one target from a three-target group, as plain data. */
export function action(overrides: Partial<DeregisterTargetsAction> = {}): DeregisterTargetsAction {
  return {
    kind: 'deregister-targets',
    subject: { clusterName: 'prod', serviceName: 'web' },
    targetGroupArn: TG_WEB,
    targets: [{ id: '10.0.1.17', port: 8080 }],
    why: 'task stopped',
    basis: { inService: 3, healthy: 3, removingHealthy: 1 },
    ...overrides,
  };
}

/** An executor that deregisters through the mocked client. */
export function executor(overrides: Partial<ExecutorOptions> = {}): Executor {
  return new Executor({
    clients: { elbv2 },
    kinds: { 'deregister-targets': deregisterTargets },
    logger,
    dryRun: false,
    verification: { deregistration: 'acknowledged' },
    ...overrides,
  });
}

/** A two-target group that DescribeTargetHealth and DeregisterTargets read and change, slowly; its targets' ids. */
export function twoTargetGroup(): Set<string> {
  const registered = new Set(['10.0.1.17', '10.0.1.18']);
  elbv2Mock.on(DescribeTargetHealthCommand).callsFake(async () => ({
    TargetHealthDescriptions: [...registered].map((id) => ({
      Target: { Id: id, Port: 8080 },
      TargetHealth: { State: 'healthy' },
    })),
  }));
  elbv2Mock.on(DeregisterTargetsCommand).callsFake(async (input: { Targets: Array<{ Id: string }> }) => {
    await new Promise((done) => setTimeout(done, 5));
    for (const t of input.Targets) registered.delete(t.Id);
    return {};
  });
  return registered;
}
