import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type AccountEndpoint, startAccountEndpoint } from '#local/moto-account.js';
import { deliverOutbox } from '#local/pipeline.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, receiveAlerts, type World } from '#local/world.js';
import { loadEvent } from '#test/support/fixtures.js';
import { coldContainer } from '#test/support/functions.js';

const endpoint = inject('motoEndpoint');
const MEMBER = '222222222222';

const CONFIG = `
version: 1
accounts:
  - id: "${MEMBER}"
    regions: [us-east-1, eu-west-1]
    externalId: autopilot-test
clusters:
  - name: prod
    services: [{ name: web }]
  - name: prod
    account: "${MEMBER}"
    region: us-east-1
    services: [{ name: web }]
`;

describe('Function: task-state-change, across accounts', () => {
  let member: AccountEndpoint;
  let central: World;
  let memberWorld: World;

  beforeAll(async () => {
    member = await startAccountEndpoint(endpoint, MEMBER);
  });
  afterAll(() => member.stop());

  beforeEach(async () => {
    // The same cluster and service names in both accounts: only the event's own account may be touched.
    central = await provisionWorld(endpoint, { services: [{ name: 'web', tasks: 3 }] });
    memberWorld = await provisionWorld(member.endpoint, { services: [{ name: 'web', tasks: 3 }], alerts: false });
  });

  function firstTask(world: World) {
    const task = world.services.web?.tasks[0];
    if (!task) throw new Error('no web task');
    return task;
  }

  it("deregisters a member account's stopped task in that account and nowhere else", async () => {
    // Prepare
    const { react } = await coldContainer(central, 'task-state-change', CONFIG);
    const stopped = firstTask(memberWorld);
    const centralBefore = await membership(central);
    const memberBefore = await membership(memberWorld);

    // Act
    const result = await react(taskStateChangeEvent(memberWorld, stopped));

    // Assess
    expect(memberWorld.account).toBe(MEMBER);
    expect(central.account).not.toBe(MEMBER);
    expect(result.batchItemFailures).toEqual([]);
    const memberAfter = await membership(memberWorld);
    for (const [tg, before] of Object.entries(memberBefore)) {
      expect(memberAfter[tg]).toEqual(before.filter((t) => t !== `${stopped.ip}:${stopped.port}`));
    }
    expect(await membership(central)).toEqual(centralBefore);
    expect(result.audit.map((r) => r.outcome)).toEqual(['applied']);
  });

  it('refuses an event of an account the config does not list, without an AWS call', async () => {
    // Prepare
    const { react, awsCalls } = await coldContainer(central, 'task-state-change', CONFIG);
    const event = taskStateChangeEvent(central, firstTask(central));
    const foreign = {
      ...event,
      account: '333333333333',
      detail: { ...event.detail, clusterArn: event.detail.clusterArn.replace(central.account, '333333333333') },
    };
    const before = await membership(central);

    // Act
    const result = await react(foreign);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.reaction.ignored).toEqual([
      {
        messageId: expect.any(String),
        why: expect.stringMatching(/^the event's account 333333333333 in us-east-1 is not ours \(the config acts in /),
      },
    ]);
    expect(awsCalls.snapshot()).toEqual({});
    expect(await membership(central)).toEqual(before);
  });

  it("refuses a member event whose cluster ARN names another account than the event's own", async () => {
    // Prepare
    const { react } = await coldContainer(central, 'task-state-change', CONFIG);
    const event = taskStateChangeEvent(central, firstTask(central));
    const before = await membership(central);

    // Act
    const result = await react({ ...event, account: MEMBER });

    // Assess
    expect(result.reaction.ignored.map((i) => i.why)).toEqual([
      expect.stringMatching(/^the event's cluster account \d{12} is not ours \(222222222222\)/),
    ]);
    expect(await membership(central)).toEqual(before);
  });

  it("alerts on a member's service event as that account's, and on an unlisted account's not at all", async () => {
    // Prepare
    const { react, notifier } = await coldContainer(central, 'service-event', CONFIG);
    const event = loadEvent('service-task-placement-failure') as {
      account: string;
      region: string;
      resources: string[];
    };
    const serviceArn = memberWorld.services.web?.serviceArn ?? '';
    const fromMember = { ...event, account: MEMBER, region: 'us-east-1', resources: [serviceArn] };
    const fromUnlisted = {
      ...fromMember,
      account: '333333333333',
      resources: [serviceArn.replace(MEMBER, '333333333333')],
    };

    // Act
    await react(fromUnlisted);
    await react(fromMember);
    await deliverOutbox(central, notifier);
    const alerts = await receiveAlerts(central);

    // Assess
    expect(alerts.map((a) => [a.attributes.kind, a.attributes.account, a.attributes.region])).toEqual([
      ['service-event/service-task-placement-failure', MEMBER, 'us-east-1'],
    ]);
  });
});
