/** Settings every AWS client of the product is created with, in one place. */
export interface AwsClientOptions {
  region?: string;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
}

/**
 * Region, retries and endpoint for every client.
 *
 * The endpoint is deliberately not set here: the SDK reads `AWS_ENDPOINT_URL` (and the per-service
 * `AWS_ENDPOINT_URL_<SERVICE>`) itself, which is how tests, the demo and replays point at a local emulator.
 * Adaptive retries add client-side rate limiting, which matters because ELB Describe* calls share one token bucket.
 */
export function awsClientOptions(env: NodeJS.ProcessEnv = process.env): AwsClientOptions {
  const retryMode = env.AWS_RETRY_MODE === 'standard' ? 'standard' : 'adaptive';
  const maxAttempts = Number.parseInt(env.AWS_MAX_ATTEMPTS ?? '', 10);
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    retryMode,
    maxAttempts: Number.isFinite(maxAttempts) && maxAttempts > 0 ? maxAttempts : 4,
  };
}
