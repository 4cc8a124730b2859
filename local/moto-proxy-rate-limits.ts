import { type AwsCall, type MotoProxy, throttlingError } from './moto-proxy.js';

/** A token bucket: `burst` tokens at most, `perSecond` added back each second. */
export interface TokenBucketSpec {
  burst: number;
  perSecond: number;
}

/** Which calls share one bucket, and its size. */
export interface RateLimit extends TokenBucketSpec {
  name: string;
  match: (call: AwsCall) => boolean;
}

/**
 * The limits AWS documents that a storm runs into. ELB: every Describe* call of the account shares one bucket of
 * 40 tokens refilled at 10 a second (ELB user guide, "Request throttling"). ECS: a bucket per API; its guide gives
 * 50 burst and 20 a second for the cluster reads (DescribeClusters), taken here for each read we make. ELB's
 * registration calls: their own bucket, modelled at the Describe* size (an assumption, stated in the benchmark).
 */
export const documentedRateLimits: RateLimit[] = [
  {
    name: 'ELB Describe*',
    burst: 40,
    perSecond: 10,
    match: (c) => c.service === 'elasticloadbalancing' && c.operation.startsWith('Describe'),
  },
  {
    name: 'ELB RegisterTargets/DeregisterTargets',
    burst: 40,
    perSecond: 10,
    match: (c) => c.service === 'elasticloadbalancing' && /^(Register|Deregister)Targets$/.test(c.operation),
  },
  ...['DescribeServices', 'DescribeTasks', 'ListTasks', 'DescribeContainerInstances'].map((operation) => ({
    name: `ECS ${operation}`,
    burst: 50,
    perSecond: 20,
    match: (c: AwsCall) => c.service === 'ecs' && c.operation === operation,
  })),
];

/** What the rate-limit model saw: calls let through and calls throttled, by bucket. */
export interface RateLimitCounts {
  allowed: Record<string, number>;
  throttled: Record<string, number>;
}

/**
 * Makes the proxy throttle as AWS does: each matching call takes a token from its bucket or is answered with the
 * service's throttling error. Returns the counts and a function that removes the model.
 */
export function modelRateLimits(
  proxy: MotoProxy,
  limits: readonly RateLimit[] = documentedRateLimits,
  clock: () => number = Date.now,
): { counts: RateLimitCounts; remove: () => void } {
  const counts: RateLimitCounts = { allowed: {}, throttled: {} };
  const buckets = limits.map((limit) => ({ limit, tokens: limit.burst, at: clock() }));
  const take = (call: AwsCall) => {
    const bucket = buckets.find((b) => b.limit.match(call));
    if (!bucket) return true;
    const now = clock();
    bucket.tokens = Math.min(bucket.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * bucket.limit.perSecond);
    bucket.at = now;
    const name = bucket.limit.name;
    if (bucket.tokens < 1) {
      counts.throttled[name] = (counts.throttled[name] ?? 0) + 1;
      return false;
    }
    bucket.tokens -= 1;
    counts.allowed[name] = (counts.allowed[name] ?? 0) + 1;
    return true;
  };
  const remove = proxy.addRule({
    name: 'documented rate limits',
    match: () => true,
    respond: (call) => (take(call) ? undefined : throttlingError(call)),
  });
  return { counts, remove };
}

/**
 * moto ignores ListTasks' `serviceName` filter and lists every task of the cluster; ECS lists the service's only.
 * This rule filters the answer by the owners it is told (task ARN → service name), as ECS would.
 */
export function filterListTasksByService(proxy: MotoProxy, serviceOfTask: ReadonlyMap<string, string>): () => void {
  return proxy.addRule({
    name: 'ListTasks serviceName filter',
    match: (call) => call.service === 'ecs' && call.operation === 'ListTasks',
    rewrite: (call, upstream) => {
      const serviceName = (call.params as { serviceName?: string } | undefined)?.serviceName;
      if (upstream.status !== 200 || serviceName === undefined) return upstream;
      const answer = JSON.parse(upstream.body.toString('utf8')) as { taskArns?: string[] };
      answer.taskArns = (answer.taskArns ?? []).filter((arn) => serviceOfTask.get(arn) === serviceName);
      return { ...upstream, body: Buffer.from(JSON.stringify(answer)) };
    },
  });
}
