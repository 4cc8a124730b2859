import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/load.js';
import { createObservationCache, type ObservationCache } from '#shared/services/observation-cache.js';
import type { ClaimRecord } from '#shared/state/index.js';
import type { TaskStopMessage } from '#shared/tasks/batch-types.js';
import { reactToTaskStopsByPlace } from '#shared/tasks/by-place.js';
import { clusterMissingAlert } from '#shared/tasks/cluster-missing.js';
import { createHandledTaskVersions } from '#shared/tasks/handled-versions.js';
import { sweepKey } from '#shared/tasks/storm-sweep.js';
import { ACCOUNT, REGION, taskDetail, taskEvent } from '#test/support/builders.js';
import { keptLogger, recordingLedger } from '#test/support/tasks-ledger.js';

const NOW = new Date('2026-11-24T12:00:05.000Z');
const home = { account: ACCOUNT, region: REGION };
const member = { account: '222222222222', region: 'eu-west-1' };
const PREFIX = '222222222222/eu-west-1#';
/** A client every call to fails: the member's service cannot be read, so the batch stops after its sweep's records. */
const unreachable = { send: () => Promise.reject(new Error('connect ETIMEDOUT')) } as never;
const config = parseConfig({
  version: 1,
  accounts: [{ id: member.account, regions: [member.region] }],
  clusters: [
    { name: 'prod', services: [{ name: 'web' }] },
    { name: 'prod', account: member.account, services: [{ name: 'web' }] },
  ],
});

/** A stop of prod/web in `place`, as the queue delivers it. */
function stopAt(place: { account: string; region: string }, id: string): TaskStopMessage {
  const detail = taskDetail({
    taskArn: `arn:aws:ecs:${place.region}:${place.account}:task/prod/${id}`,
    clusterArn: `arn:aws:ecs:${place.region}:${place.account}:cluster/prod`,
  });
  const event = { ...taskEvent(detail, '2026-11-24T12:00:00Z'), account: place.account, region: place.region };
  return { messageId: `m-${id}`, event };
}

function depsOf(ledger: ReturnType<typeof recordingLedger>['ledger'], caches = new Map<string, ObservationCache>()) {
  return {
    config,
    clients: { ecs: unreachable, elbv2: unreachable, sqs: unreachable },
    outboxUrl: 'http://127.0.0.1/outbox',
    cache: createObservationCache(),
    seen: createHandledTaskVersions(),
    logger: keptLogger().logger,
    now: () => NOW,
    home,
    clientsAt: () => ({ ecs: unreachable, elbv2: unreachable }),
    caches,
    sweepLedger: ledger,
  };
}

describe('Task batch in a member place: its state apart from home’s', () => {
  it('claims a member’s storm sweep under the member’s partition, publishes there, and retries what it could not read', async () => {
    // Prepare
    const { ledger, calls } = recordingLedger();
    const caches = new Map<string, ObservationCache>();

    // Act
    const reaction = await reactToTaskStopsByPlace(
      [stopAt(member, 't1'), stopAt(member, 't2')],
      depsOf(ledger, caches),
    );

    // Assess
    const key = sweepKey('prod', 'web', NOW);
    expect(calls[0]?.method).toBe('claimEach');
    expect(calls[0]?.args[0]).toEqual([{ pk: `${PREFIX}${key.pk}`, sk: key.sk }]);
    expect(calls[1]).toEqual({
      method: 'recordOnClaim',
      args: [{ pk: `${PREFIX}${key.pk}`, sk: key.sk }, expect.any(String), { done: [] }],
    });
    expect(reaction.failures.map((f) => f.messageId)).toEqual(['m-t1', 'm-t2']);
    expect(reaction.failures[0]?.why).toBe('the service could not be described: connect ETIMEDOUT');
    expect([...caches.keys()]).toEqual([`${member.account}/${member.region}`]);
  });

  it('keeps home’s partition as it was, and reads a lone member stop’s sweep under the member’s, answered as asked', async () => {
    // Prepare: the member's sweep is under way, claimed by another batch with its result published
    const key = sweepKey('prod', 'web', NOW);
    const stored = `${PREFIX}${key.pk}/${key.sk}`;
    const record: ClaimRecord<unknown> = {
      key: { pk: `${PREFIX}${key.pk}`, sk: key.sk },
      owner: 'other',
      data: { done: ['t1'] },
    };
    const { ledger, calls } = recordingLedger({ records: new Map([[stored, record]]) });

    // Act
    const there = await reactToTaskStopsByPlace([stopAt(member, 't1')], depsOf(ledger));
    const here = await reactToTaskStopsByPlace([stopAt(home, 't3')], depsOf(ledger));

    // Assess: the member's stop was handled by that sweep, nothing left to do or retry
    expect(calls.map((c) => [c.method, c.args[0]])).toEqual([
      ['readClaims', [{ pk: `${PREFIX}${key.pk}`, sk: key.sk }]],
      ['readClaims', [key]],
    ]);
    expect(there.failures).toEqual([]);
    expect(there.services[0]?.notes).toEqual(['1 stop(s) handled by the storm sweep of another batch']);
    expect(here.failures.map((f) => f.messageId)).toEqual(['m-t3']);
  });

  it('confirms a member sweep’s pending alert under the member’s partition, at the version read', async () => {
    // Prepare: a redelivered stop whose first delivery's sweep left its alert pending
    const first = NOW.getTime() - 20_000;
    const key = sweepKey('prod', 'web', new Date(first));
    const alert = clusterMissingAlert('prod', stopAt(member, 't1').event);
    const data = { done: ['t1'], reported: ['t1'], alert, queued: false };
    const record: ClaimRecord<unknown> = {
      key: { pk: `${PREFIX}${key.pk}`, sk: key.sk },
      owner: 'x',
      data,
      version: 4,
    };
    const { ledger, calls } = recordingLedger({ records: new Map([[`${PREFIX}${key.pk}/${key.sk}`, record]]) });
    const again = { ...stopAt(member, 't1'), attempt: 2, firstReceivedAt: first };
    const sent: unknown[] = [];
    const sqs = { send: async (command: unknown) => void sent.push(command) } as never;

    // Act
    await reactToTaskStopsByPlace([again], { ...depsOf(ledger), clients: { ...depsOf(ledger).clients, sqs } });

    // Assess: queued first, then confirmed
    expect(sent).toHaveLength(1);
    const replace = calls.find((c) => c.method === 'replace');
    expect(replace?.args).toEqual([
      { key: { pk: `${PREFIX}${key.pk}`, sk: key.sk }, version: 4, data },
      { ...data, queued: true },
    ]);
  });
});
