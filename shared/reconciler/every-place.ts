import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type Place, placeKey, type Reach, samePlace } from '../config/places.js';
import { foreignOrigin, untrustedTime } from '../events/origin.js';
import type { ScheduledEvent } from '../events/scheduled.js';
import { currentTime } from '../lambda/clock.js';
import { homeAndElsewhere, inEveryPlace } from '../lambda/places.js';
import { enqueueAlert } from '../notify/outbox.js';
import { createObservationCache, type ObservationCache } from '../services/observation-cache.js';
import { type ReconcileDeps, type ReconcileRun, reconcile } from './react.js';

/**
 * The sweep of home, and beside it each other account and region: its own sweep, or why it could not be swept.
 * `audit` holds the actions of every place.
 */
export type ReconcileEverywhere = ReconcileRun & {
  elsewhere: Array<Place & { run?: ReconcileRun; unreachable?: string }>;
};

export interface ReconcileEverywhereDeps extends ReconcileDeps {
  home: Place;
  clientsAt: (reach: Reach, sessionName: string) => { ecs: ECSClient; elbv2: ElasticLoadBalancingV2Client };
  /** Describe* results per member place: one cluster and service name may be used in several accounts. */
  caches?: Map<string, ObservationCache>;
}

/**
 * One sweep in every configured account and region at once, each with its own clusters, clients and summary
 * alert; a place that cannot be reached gets one alert of its own and holds up no other.
 */
export async function reconcileEveryPlace(
  event: ScheduledEvent,
  deps: ReconcileEverywhereDeps,
): Promise<ReconcileEverywhere> {
  const { home } = deps;
  const refused = foreignOrigin(event, home, event.resources) || untrustedTime(event.time, (deps.now ?? currentTime)());
  // Refused as before, by the sweep of home, which says why and counts it.
  if (refused) return { ...(await reconcile(event, deps)), elsewhere: [] };
  const caches = deps.caches ?? new Map<string, ObservationCache>();
  const runs = await inEveryPlace(
    deps.config,
    home,
    async (reach, config) => {
      if (samePlace(reach, home)) return reconcile(event, { ...deps, config });
      const cache = caches.get(placeKey(reach)) ?? createObservationCache();
      caches.set(placeKey(reach), cache);
      // The schedule is home's; the sweep of a member reports as of that account and region.
      const there = { ...event, account: reach.account, region: reach.region, resources: [] };
      const clients = { ...deps.clientsAt(reach, `reconciler-${event.id}`), sqs: deps.clients.sqs };
      return reconcile(there, { ...deps, config, clients, cache, home: undefined });
    },
    {
      what: 'reconciler',
      occurredAt: event.time,
      send: (alert) => enqueueAlert(deps.clients.sqs, deps.outboxUrl, alert),
    },
  );
  const { atHome, elsewhere } = homeAndElsewhere(runs, home);
  // Every place's actions in one audit: the function's metrics count them all.
  const audit = [...atHome.audit, ...elsewhere.flatMap((p) => p.run?.audit ?? [])];
  return { ...atHome, audit, elsewhere };
}
