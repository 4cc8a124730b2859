import { DeadlineBoundHttpHandler } from './deadline.js';

/** Settings every AWS client of the product is created with, in one place. */
export interface AwsClientOptions {
  region?: string;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  requestHandler: DeadlineBoundHttpHandler;
}

/** How long one attempt of an AWS call may take, unless AWS_REQUEST_TIMEOUT_MS says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 3_000;
/** How long opening a connection may take. */
export const CONNECTION_TIMEOUT_MS = 1_000;

/**
 * Region, retries, timeouts and endpoint for every client.
 *
 * The endpoint is deliberately not set here: the SDK reads `AWS_ENDPOINT_URL` (and the per-service
 * `AWS_ENDPOINT_URL_<SERVICE>`) itself, which is how tests, the demo and replays point at a local emulator.
 * Adaptive retries add client-side rate limiting, which matters because ELB Describe* calls share one token bucket.
 * Without a request timeout the SDK waits for a hung call forever: each attempt gets a few seconds, and the handler
 * also stops every call at the invocation's deadline (see `deadline.ts`).
 */
export function awsClientOptions(env: NodeJS.ProcessEnv = process.env): AwsClientOptions {
  const retryMode = env.AWS_RETRY_MODE === 'standard' ? 'standard' : 'adaptive';
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    retryMode,
    maxAttempts: positiveInteger(env.AWS_MAX_ATTEMPTS) ?? 4,
    requestHandler: new DeadlineBoundHttpHandler({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: positiveInteger(env.AWS_REQUEST_TIMEOUT_MS) ?? DEFAULT_REQUEST_TIMEOUT_MS,
    }),
  };
}

function positiveInteger(text: string | undefined): number | undefined {
  // Stryker disable next-line StringLiteral: any stand-in text that is not a number reads as no setting
  const value = Number.parseInt(text ?? '', 10);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
