import { Logger } from '@aws-lambda-powertools/logger';
import { ACMClient } from '@aws-sdk/client-acm';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { auditEveryPlace } from '#shared/audit/every-place.js';
import { auditOnSchedule } from '#shared/audit/react.js';
import { parseConfig } from '#shared/config/load.js';
import type { ScheduledEvent } from '#shared/events/scheduled.js';
import type { StateStore } from '#shared/state/index.js';

const HOME = { account: '111122223333', region: 'eu-west-1' };
const MEMBER = '222222222222';
const SCHEDULE: ScheduledEvent = {
  version: '0',
  id: 'audit-1',
  source: 'aws.events',
  account: HOME.account,
  region: HOME.region,
  time: '2026-11-26T06:00:00Z',
  resources: [`arn:aws:events:${HOME.region}:${HOME.account}:rule/ecs-autopilot-audit`],
  'detail-type': 'Scheduled Event',
  detail: {},
};

/** Clients that record each call and refuse it: a place with nothing to audit must read nothing. */
function refusingClients(calls: string[]) {
  const refuse = <C extends { send: unknown }>(name: string, client: C): C => {
    client.send = (command: { constructor: { name: string } }) => {
      calls.push(`${name}.${command.constructor.name}`);
      return Promise.reject(new Error(`${name} must not be called`));
    };
    return client;
  };
  const region = { region: HOME.region };
  return {
    ecs: refuse('ECS', new ECSClient(region)),
    elbv2: refuse('ELBv2', new ElasticLoadBalancingV2Client(region)),
    ec2: refuse('EC2', new EC2Client(region)),
    acm: refuse('ACM', new ACMClient(region)),
    autoScaling: refuse('AutoScaling', new ApplicationAutoScalingClient(region)),
    sqs: refuse('SQS', new SQSClient(region)),
  };
}

/** Every cluster lives in the member account: the home place has none of its own. */
const config = parseConfig({
  version: 1,
  accounts: [{ id: MEMBER, regions: [HOME.region] }],
  clusters: [{ name: 'prod', account: MEMBER, services: [{ name: 'web' }] }],
});

function deps(calls: string[]) {
  const store = {
    get: () => Promise.reject(new Error('nothing to look up')),
    claimOnce: () => Promise.reject(new Error('nothing to mark')),
  } as unknown as StateStore;
  return {
    config,
    clients: refusingClients(calls),
    outboxUrl: `https://sqs.${HOME.region}.amazonaws.com/${HOME.account}/outbox`,
    store,
    logger: new Logger({ logLevel: 'SILENT' }),
  };
}

describe('Audit on a schedule: a place without configured clusters', () => {
  it('reads nothing and finds nothing where the config names no cluster, rather than every cluster there', async () => {
    // Prepare
    const calls: string[] = [];
    const d = deps(calls);

    // Act
    const run = await auditOnSchedule(SCHEDULE, { ...d, config: { ...config, clusters: [] } });

    // Assess
    expect(run).toEqual({ eventId: 'audit-1', services: 0, findings: [], alerted: [], notAudited: [], alerts: [] });
    expect(calls).toEqual([]);
  });

  it("audits the member account's clusters through that place's clients, and nothing at home", async () => {
    // Prepare
    const homeCalls: string[] = [];
    const memberCalls: string[] = [];
    const d = deps(homeCalls);
    const reached: Array<[string, string]> = [];
    const member = refusingClients(memberCalls);
    member.ecs.config.credentials = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });

    // Act
    const run = await auditEveryPlace(SCHEDULE, {
      ...d,
      home: HOME,
      clientsAt: (reach, sessionName) => {
        reached.push([`${reach.account}/${reach.region}`, sessionName]);
        return member;
      },
    });

    // Assess
    expect(reached).toEqual([[`${MEMBER}/${HOME.region}`, 'audit-audit-1']]);
    expect(homeCalls).toEqual([]);
    expect(memberCalls[0]).toBe('ECS.ListServicesCommand');
    expect(run.services).toBe(0);
    expect(run.elsewhere).toEqual([
      expect.objectContaining({
        account: MEMBER,
        region: HOME.region,
        run: expect.objectContaining({ notAudited: ['cluster prod: ECS must not be called'] }),
      }),
    ]);
  });
});
