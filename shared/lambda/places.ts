import { configAt, configuredPlaces, type Place, type Reach, reachOf, samePlace } from '../config/places.js';
import type { AutopilotConfig } from '../config/schema.js';
import type { Alert } from '../notify/alert.js';
import { unreachablePlaceAlert } from '../notify/unreachable-place.js';

/** One place's share of a scheduled run: what the work returned there, or the alert saying it could not act. */
export interface PlaceRun<R> {
  place: Reach;
  result?: R;
  unreachable?: Alert;
}

/**
 * Runs a scheduled reaction in every configured account and region at once, each with the config of that place
 * (its own clusters and canaries). A member place that fails (its role missing, access denied, throttled) is
 * isolated: its alert is handed to `report` and every other place goes on. A failure at home is the function's
 * own and is thrown, as before, once the others are done, so that Lambda retries the run.
 */
export async function inEveryPlace<R>(
  config: AutopilotConfig,
  home: Place,
  work: (reach: Reach, config: AutopilotConfig) => Promise<R>,
  report: { what: string; occurredAt: string; send: (alert: Alert) => Promise<void> },
): Promise<PlaceRun<R>[]> {
  const places = configuredPlaces(config, home);
  const settled = await Promise.allSettled(places.map((reach) => work(reach, configAt(config, reach, home))));
  const runs: PlaceRun<R>[] = [];
  let homeFailure: unknown;
  for (const [i, outcome] of settled.entries()) {
    const place = places[i] as Reach;
    if (outcome.status === 'fulfilled') {
      runs.push({ place, result: outcome.value });
      continue;
    }
    if (samePlace(place, home)) {
      homeFailure = outcome.reason;
      continue;
    }
    const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
    const unreachable = unreachablePlaceAlert({
      what: report.what,
      place: { ...place, roleArn: place.role?.arn, errorName: error.name, message: error.message },
      occurredAt: report.occurredAt,
      dryRun: config.dryRun,
    });
    await report.send(unreachable);
    runs.push({ place, unreachable });
  }
  if (homeFailure !== undefined) throw homeFailure;
  return runs;
}

/** A run's result at home, and beside it each other place's: its own result, or why it could not act there. */
export function homeAndElsewhere<R>(
  runs: PlaceRun<R>[],
  home: Place,
): { atHome: R; elsewhere: Array<Place & { run?: R; unreachable?: string }> } {
  const atHome = runs.find((r) => samePlace(r.place, home))?.result as R;
  const elsewhere = runs
    .filter((r) => !samePlace(r.place, home))
    .map((r) => ({
      account: r.place.account,
      region: r.place.region,
      ...(r.result ? { run: r.result } : {}),
      ...(r.unreachable ? { unreachable: r.unreachable.title } : {}),
    }));
  return { atHome, elsewhere };
}

/**
 * Where an event is acted on: its own account and region with the config of that place, when the config lists it;
 * else home, whose origin checks then refuse the event as another deployment's.
 */
export function actingPlace(
  config: AutopilotConfig,
  home: Place,
  event: { account: string; region: string },
): { reach: Reach; config: AutopilotConfig } {
  const reach = reachOf(config, { account: event.account, region: event.region }, home) ?? { ...home };
  return { reach, config: configAt(config, reach, home) };
}
