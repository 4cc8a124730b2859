import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  configAt,
  type Place,
  partitionAt,
  placeKey,
  type Reach,
  reachOf,
  unconfiguredPlace,
} from '../config/places.js';
import type { LeaseKey } from '../executor/target-group-lease.js';
import { createObservationCache, type ObservationCache } from '../services/observation-cache.js';
import { reactToTaskStopBatch, type TaskBatchReaction } from './batch-react.js';
import type { SweepLedger, TaskBatchDeps, TaskStopMessage } from './batch-types.js';

/** The clients a batch acts through in one account and region, for the event that names the session. */
export type TaskClientsAt = (
  reach: Reach,
  sessionName: string,
) => { ecs: ECSClient; elbv2: ElasticLoadBalancingV2Client };

/** What a batch spread over accounts and regions needs beyond one place's: how to reach each, and where home is. */
export interface PlacedTaskBatchDeps extends TaskBatchDeps {
  home: Place;
  clientsAt: TaskClientsAt;
  /** Describe* results per place: one cluster and service name may be used in several accounts. */
  caches?: Map<string, ObservationCache>;
}

/** The sweep ledger of one place: its records apart from another account's service of the same name. */
function ledgerAt(ledger: SweepLedger | undefined, place: Place, home: Place): SweepLedger | undefined {
  if (!ledger || placeKey(place) === placeKey(home)) return ledger;
  const at = (key: LeaseKey): LeaseKey => ({ pk: partitionAt(key.pk, place, home), sk: key.sk });
  return {
    claimEach: async <T>(keys: readonly LeaseKey[], opts: { owner: string; ttlSeconds: number }) =>
      (await ledger.claimEach<T>(keys.map(at), opts)).map((claim, i) => {
        const key = keys[i] ?? claim.key;
        return { ...claim, key, ...(claim.record && { record: { ...claim.record, key } }) };
      }),
    // Answered under the keys asked for, as the records of the home place are.
    readClaims: async <T>(keys: readonly LeaseKey[]) => {
      const found = await ledger.readClaims<T>(keys.map(at));
      return new Map(
        keys.flatMap((key) => {
          const record = found.get(`${at(key).pk}/${key.sk}`);
          return record ? [[`${key.pk}/${key.sk}`, { ...record, key }] as const] : [];
        }),
      );
    },
    recordOnClaim: (key, owner, data) => ledger.recordOnClaim(at(key), owner, data),
    claimMembers: (key, claims, opts) => ledger.claimMembers(at(key), claims, opts),
    claimMembersFreeing: (key, claims, opts, lease) => ledger.claimMembersFreeing(at(key), claims, opts, lease),
    readMembers: (key, opts) => ledger.readMembers(at(key), opts),
    takeOverClaim: (record, owner) => ledger.takeOverClaim({ ...record, key: at(record.key) }, owner),
    noteOn: (key, name, value, opts) => ledger.noteOn(at(key), name, value, opts),
    replace: (current, data) => ledger.replace({ ...current, key: at(current.key) }, data),
  };
}

/** The crash-loop counter told the deployment's own place, so that another place's same-named service counts apart. */
function countStopsAt(count: TaskBatchDeps['countStops'], home: Place): TaskBatchDeps['countStops'] {
  return count && ((stops) => count({ ...stops, home }));
}

/**
 * A batch whose events come from several accounts and regions: each place's share is handled with that place's
 * clients, config (its own clusters) and origin checks, on its own, so one place that cannot be reached (its role
 * missing, access denied, throttled) returns only its own messages for a retry. Events of a place the config does
 * not list are not ours and are acknowledged.
 */
export async function reactToTaskStopsByPlace(
  messages: readonly TaskStopMessage[],
  deps: PlacedTaskBatchDeps,
): Promise<TaskBatchReaction> {
  const reaction: TaskBatchReaction = { ignored: [], services: [], failures: [] };
  const byPlace = new Map<string, { place: Place; messages: TaskStopMessage[] }>();
  for (const message of messages) {
    const place = { account: message.event.account, region: message.event.region };
    const group = byPlace.get(placeKey(place)) ?? { place, messages: [] };
    group.messages.push(message);
    byPlace.set(placeKey(place), group);
  }
  const shares = await Promise.all(
    [...byPlace.values()].map(async ({ place, messages: here }) => {
      const reach = reachOf(deps.config, place, deps.home);
      if (!reach) {
        const why = unconfiguredPlace(deps.config, place, deps.home) ?? '';
        return { ignored: here.map((m) => ({ messageId: m.messageId, why })), services: [], failures: [] };
      }
      const caches = deps.caches ?? new Map<string, ObservationCache>();
      const cache = caches.get(placeKey(place)) ?? createObservationCache();
      caches.set(placeKey(place), cache);
      try {
        const session = `task-stop-${here[0]?.event.id}`;
        return await reactToTaskStopBatch(here, {
          ...deps,
          config: configAt(deps.config, place, deps.home),
          clients: { ...deps.clientsAt(reach, session), sqs: deps.clients.sqs },
          home: place,
          cache: placeKey(place) === placeKey(deps.home) ? deps.cache : cache,
          sweepLedger: ledgerAt(deps.sweepLedger, place, deps.home),
          countStops: countStopsAt(deps.countStops, deps.home),
        });
      } catch (error) {
        const why = `account ${place.account} in ${place.region} could not be acted in: ${(error as Error).message}`;
        deps.logger.error(why, { error, account: place.account, region: place.region });
        return { ignored: [], services: [], failures: here.map((m) => ({ messageId: m.messageId, why })) };
      }
    }),
  );
  for (const share of shares) {
    reaction.ignored.push(...share.ignored);
    reaction.services.push(...share.services);
    reaction.failures.push(...share.failures);
  }
  return reaction;
}
