import { Logger } from '@aws-lambda-powertools/logger';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '#shared/config/load.js';
import type { ScheduledEvent } from '#shared/events/scheduled.js';
import type { IgnoredReason } from '#shared/logging/metrics.js';
import { reconcileEveryPlace } from '#shared/reconciler/every-place.js';
import { reconcile } from '#shared/reconciler/react.js';
import { createObservationCache } from '#shared/services/observation-cache.js';
import { ACCOUNT, REGION } from '#test/support/builders.js';

const HOME = { account: ACCOUNT, region: REGION };
const NOW = new Date('2026-11-26T10:05:30Z');
const SCHEDULE: ScheduledEvent = {
  version: '0',
  id: 'sweep-1',
  source: 'aws.events',
  account: ACCOUNT,
  region: REGION,
  time: '2026-11-26T10:05:00Z',
  resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/ecs-autopilot-reconciler`],
  'detail-type': 'Scheduled Event',
  detail: {},
};
const NOTHING = {
  services: [],
  targetGroups: 0,
  audit: [],
  findings: { unknownTargets: [], youngOrphans: [], missingTasks: [] },
  notSwept: [],
};

/** A refused sweep sends nothing: clients that throw on any call prove it. */
function refusingSend(client: { send: unknown }) {
  client.send = () => Promise.reject(new Error('a refused sweep must make no AWS call'));
  return client;
}

function deps() {
  const logger = new Logger({ logLevel: 'SILENT' });
  const info = vi.spyOn(logger, 'info');
  const counted: IgnoredReason[] = [];
  const clients = {
    ecs: refusingSend(new ECSClient({ region: REGION })) as ECSClient,
    elbv2: refusingSend(new ElasticLoadBalancingV2Client({ region: REGION })) as ElasticLoadBalancingV2Client,
    sqs: refusingSend(new SQSClient({ region: REGION })) as SQSClient,
  };
  const config = parseConfig({ version: 1, clusters: [{ name: 'prod', services: [{ name: 'web' }] }] });
  return {
    info,
    counted,
    deps: {
      config,
      clients,
      outboxUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/outbox',
      cache: createObservationCache(),
      logger,
      home: HOME,
      metrics: { ignored: (reason: IgnoredReason) => counted.push(reason) },
      now: () => NOW,
    },
  };
}

describe('Reconciler: a schedule it refuses', () => {
  it('ignores a schedule of another account, says why, counts it foreign and looks at nothing', async () => {
    // Prepare
    const { deps: d, info, counted } = deps();
    const event = { ...SCHEDULE, account: '999999999999' };

    // Act
    const run = await reconcile(event, d);

    // Assess
    expect(run).toEqual({ eventId: 'sweep-1', ignored: expect.stringContaining('account'), ...NOTHING });
    expect(counted).toEqual(['foreign']);
    expect(info).toHaveBeenCalledWith(`ignored: ${run.ignored}`, { eventId: 'sweep-1' });
  });

  it('ignores a schedule dated ahead of the clock and counts it future-dated', async () => {
    // Prepare
    const { deps: d, counted } = deps();
    const event = { ...SCHEDULE, time: '2026-11-26T10:15:00Z' };

    // Act
    const run = await reconcile(event, d);

    // Assess
    expect(run.ignored).toMatch(/^dated 570 s in the future/);
    expect(counted).toEqual(['future-dated']);
  });

  it('sweeps no other place when home refuses the schedule', async () => {
    // Prepare
    const { deps: d, counted } = deps();
    const clientsAt = vi.fn();
    const config = parseConfig({
      version: 1,
      accounts: [{ id: '444455556666', regions: [REGION], externalId: 'member-external-id' }],
      clusters: [
        { name: 'prod', services: [{ name: 'web' }] },
        { name: 'prod', account: '444455556666', services: [{ name: 'web' }] },
      ],
    });

    // Act
    const foreign = await reconcileEveryPlace({ ...SCHEDULE, region: 'eu-west-1' }, { ...d, config, clientsAt });
    const ahead = await reconcileEveryPlace({ ...SCHEDULE, time: '2026-11-26T11:00:00Z' }, { ...d, config, clientsAt });

    // Assess
    expect(foreign).toEqual({
      eventId: 'sweep-1',
      ignored: expect.stringContaining('region'),
      ...NOTHING,
      elsewhere: [],
    });
    expect(ahead.elsewhere).toEqual([]);
    expect(counted).toEqual(['foreign', 'future-dated']);
    expect(clientsAt).not.toHaveBeenCalled();
  });
});
