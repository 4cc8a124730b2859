import { DescribeContainerInstancesCommand, DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import QuickLRU from 'quick-lru';
import type { AutopilotConfig } from '../config/schema.js';
import { AutopilotError } from '../errors.js';
import { describeServices, managedServiceNames, serviceState } from './observe.js';
import type { ServiceState } from './types.js';

/** Thrown when an observation cannot be made; the event is retried and, failing that, lands in the DLQ. */
export class ObservationError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ObservationError';
  }
}

/** A service that does not exist is cached too, so a storm of its events costs one lookup. */
type ServiceEntry = { found: true; service: ServiceState } | { found: false };

/**
 * Lookups of one kind kept for `ttlMs` by the invocations of one warm container, bounded to the most recently used.
 * The pending promise is what is kept, so concurrent lookups of one key make a single AWS call; a failed lookup is
 * forgotten, so the next one asks again.
 */
class SharedLookups<V, C = ECSClient> {
  readonly #kept: QuickLRU<string, Promise<V>>;
  readonly #lookup: (key: string, context: C) => Promise<V>;

  constructor(maxSize: number, ttlMs: number, lookup: (key: string, context: C) => Promise<V>) {
    this.#kept = new QuickLRU({ maxSize, maxAge: ttlMs });
    this.#lookup = lookup;
  }

  fetch(key: string, context: C): Promise<V> {
    const kept = this.#kept.get(key);
    if (kept) return kept;
    const pending = this.#lookup(key, context);
    this.#kept.set(key, pending);
    pending.catch(() => {
      if (this.#kept.peek(key) === pending) this.#kept.delete(key);
    });
    return pending;
  }

  /** Keeps `value`, learnt by another lookup, unless the key is kept already. */
  keep(key: string, value: V): void {
    if (!this.#kept.has(key)) this.#kept.set(key, Promise.resolve(value));
  }
}

/** Describe* results that change rarely, shared by the invocations of one warm container for a short TTL. */
export interface ObservationCache {
  services: SharedLookups<ServiceEntry>;
  ec2InstanceIds: SharedLookups<string>;
  /** Every service the config manages in a cluster, described: which of them are bound to a target group. */
  managedServices: SharedLookups<ServiceState[], { ecs: ECSClient; config: AutopilotConfig }>;
}

/** A cache whose entries live `ttlSeconds`; concurrent lookups of one key make a single AWS call. */
export function createObservationCache(ttlSeconds = 60): ObservationCache {
  const services = new SharedLookups<ServiceEntry>(1000, ttlSeconds * 1000, async (key, ecs) => {
    const [cluster, service] = key.split('\u0000') as [string, string];
    const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service], include: ['TAGS'] }));
    const found = out.services?.find((s) => s.serviceName === service && s.status !== 'INACTIVE');
    if (!found) return { found: false };
    return { found: true, service: serviceState(cluster, found) };
  });
  return {
    services,
    ec2InstanceIds: new SharedLookups<string>(5000, ttlSeconds * 10 * 1000, async (key, ecs) => {
      const [cluster, containerInstance] = key.split('\u0000') as [string, string];
      const out = await ecs.send(
        new DescribeContainerInstancesCommand({ cluster, containerInstances: [containerInstance] }),
      );
      const id = out.containerInstances?.[0]?.ec2InstanceId;
      if (!id) throw new ObservationError(`container instance ${containerInstance} has no EC2 instance id`);
      return id;
    }),
    managedServices: new SharedLookups(100, ttlSeconds * 1000, async (key, { ecs, config }) => {
      const [cluster] = key.split('\u0000') as [string];
      const described = await describeServices(ecs, cluster, await managedServiceNames(ecs, config, cluster));
      // Each is kept as its own description too: a later stop of one of them does not describe it again.
      for (const service of described)
        services.keep(`${cluster}\u0000${service.serviceName}`, { found: true, service });
      return described;
    }),
  };
}

/** The service's target groups, container ports and kill-switch tag; undefined when the service does not exist. */
export async function observeServiceState(
  ecs: ECSClient,
  cache: ObservationCache,
  clusterName: string,
  serviceName: string,
): Promise<ServiceState | undefined> {
  const entry = await cache.services.fetch(`${clusterName}\u0000${serviceName}`, ecs);
  return entry?.found ? entry.service : undefined;
}

/**
 * The services the config manages in the cluster besides `serviceName`, described ten a DescribeServices call (a "*"
 * entry lists the cluster first) and kept as long as a service's own description. A cluster whose config names no
 * other enabled service costs no call.
 */
export async function observeOtherManagedServices(
  ecs: ECSClient,
  cache: ObservationCache,
  config: AutopilotConfig,
  clusterName: string,
  serviceName: string,
): Promise<ServiceState[]> {
  const entries = config.clusters.find((c) => c.name === clusterName)?.services ?? [];
  if (!entries.some((s) => s.enabled && s.name !== serviceName)) return [];
  // The config's entries are part of the key: a cache is never read with another config's answer.
  const key = `${clusterName}\u0000${JSON.stringify(entries.map((s) => [s.name, s.enabled]))}`;
  const services = await cache.managedServices.fetch(key, { ecs, config });
  return services.filter((s) => s.serviceName !== serviceName);
}

/** The EC2 instance a bridge/host-mode task ran on. */
export async function observeEc2InstanceId(
  ecs: ECSClient,
  cache: ObservationCache,
  clusterName: string,
  containerInstanceArn: string,
): Promise<string> {
  const id = await cache.ec2InstanceIds.fetch(`${clusterName}\u0000${containerInstanceArn}`, ecs);
  if (!id) throw new ObservationError(`no EC2 instance id for ${containerInstanceArn}`);
  return id;
}
