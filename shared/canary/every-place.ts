import type { SQSClient } from '@aws-sdk/client-sqs';
import { type Place, type Reach, samePlace, unconfiguredPlace } from '../config/places.js';
import { actingPlace, homeAndElsewhere, inEveryPlace } from '../lambda/places.js';
import { enqueueAlert } from '../notify/outbox.js';
import type { CanaryClients } from './observe.js';
import { type CanaryTickDeps, type CanaryTickResult, tickCanaries, tickCanariesGatedBy } from './react.js';
import { hasOutbox } from './tick-alerts.js';

/** A pass at home, and beside it each other account and region: its canaries' ticks, or why it could not act. */
export interface CanaryPassEverywhere {
  atHome: CanaryTickResult[];
  elsewhere: Array<Place & { run?: CanaryTickResult[]; unreachable?: string }>;
}

export interface CanaryEverywhereDeps extends Omit<CanaryTickDeps, 'region' | 'account' | 'clients'> {
  home: Place;
  /** Home's clients (the function's own credentials), with the queue alerts go to. */
  clients: CanaryClients & { sqs?: SQSClient };
  /** The clients of a place: its member role's credentials, the session named after the event. */
  clientsAt: (reach: Reach, sessionName: string) => CanaryClients;
}

/** Deps of one place's ticks: home's own clients there, the place's assumed-role clients elsewhere. */
function depsAt(deps: CanaryEverywhereDeps, reach: Reach, config: CanaryTickDeps['config'], eventId: string) {
  const { home, clientsAt, ...rest } = deps;
  const clients = samePlace(reach, home)
    ? deps.clients
    : { ...clientsAt(reach, `canary-promoter-${eventId}`), ...(deps.clients.sqs ? { sqs: deps.clients.sqs } : {}) };
  return { ...rest, config, clients, region: reach.region, account: reach.account };
}

/**
 * The scheduled pass in every configured account and region at once, each place's canaries ticked with its own
 * clients; a place without canaries assumes nothing. A place whose role cannot be assumed (missing, not trusting
 * us, throttled) gets one alert and holds up no other; a failure at home fails the run, as before.
 */
export async function tickCanariesEveryPlace(
  deps: CanaryEverywhereDeps,
  event: { id: string; time: string },
): Promise<CanaryPassEverywhere> {
  const runs = await inEveryPlace(
    deps.config,
    deps.home,
    async (reach, config) => {
      if (config.canaries.length === 0) return [];
      const placed = depsAt(deps, reach, config, event.id);
      // Fail the place on its credentials first: the alert then names what STS said, not a canary's first read.
      if (!samePlace(reach, deps.home)) await placed.clients.ecs.config.credentials();
      return tickCanaries(placed, event.time);
    },
    {
      what: 'canary promoter',
      occurredAt: event.time,
      send: async (alert) => {
        if (hasOutbox(deps)) await enqueueAlert(deps.clients.sqs, deps.outboxUrl, alert);
      },
    },
  );
  return homeAndElsewhere(runs, deps.home);
}

/**
 * The pass a gate alarm entering ALARM triggers, in the alarm's own account and region only: a same-named alarm of
 * another account gates none of these canaries. An alarm of a place the config does not list is not ours.
 */
export async function tickCanariesGatedByAlarm(
  deps: CanaryEverywhereDeps,
  event: { id: string; time: string; account: string; region: string; detail: { alarmName: string } },
): Promise<CanaryTickResult[]> {
  const foreign = unconfiguredPlace(deps.config, event, deps.home);
  if (foreign) {
    deps.logger.info(`alarm ${event.detail.alarmName}: ${foreign}`);
    return [];
  }
  const { reach, config } = actingPlace(deps.config, deps.home, event);
  return tickCanariesGatedBy(depsAt(deps, reach, config, event.id), event.detail.alarmName, event.time);
}
