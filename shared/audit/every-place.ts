import { type Place, type Reach, samePlace } from '../config/places.js';
import type { ScheduledEvent } from '../events/scheduled.js';
import { homeAndElsewhere, inEveryPlace } from '../lambda/places.js';
import { enqueueAlert } from '../notify/outbox.js';
import type { AuditClients } from './observe.js';
import { auditOnSchedule, type ScheduledAuditDeps, type ScheduledAuditRun } from './react.js';

/** The audit of home, and beside it each other account and region: its own audit, or why it could not be read. */
export type AuditEverywhere = ScheduledAuditRun & {
  elsewhere: Array<Place & { run?: ScheduledAuditRun; unreachable?: string }>;
};

export interface AuditEverywhereDeps extends ScheduledAuditDeps {
  home: Place;
  clientsAt: (reach: Reach, sessionName: string) => AuditClients;
}

/**
 * The scheduled audit in every configured account and region at once, each of its clusters read through that
 * place's clients and reported as of that place; one that cannot be reached gets one alert and holds up no other.
 */
export async function auditEveryPlace(event: ScheduledEvent, deps: AuditEverywhereDeps): Promise<AuditEverywhere> {
  const { home } = deps;
  const runs = await inEveryPlace(
    deps.config,
    home,
    async (reach, config) => {
      if (samePlace(reach, home)) return auditOnSchedule(event, { ...deps, config });
      const there = { ...event, account: reach.account, region: reach.region, resources: [] };
      const clients = { ...deps.clientsAt(reach, `audit-${event.id}`), sqs: deps.clients.sqs };
      // The audit notes a cluster it cannot read and goes on: a role that cannot be assumed must fail the place.
      await clients.ecs.config.credentials();
      return auditOnSchedule(there, { ...deps, config, clients });
    },
    { what: 'audit', occurredAt: event.time, send: (alert) => enqueueAlert(deps.clients.sqs, deps.outboxUrl, alert) },
  );
  const { atHome, elsewhere } = homeAndElsewhere(runs, home);
  return { ...atHome, elsewhere };
}
