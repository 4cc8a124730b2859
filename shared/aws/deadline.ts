import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, NodeHttpHandlerOptions } from '@smithy/types';
import { AutopilotError } from '../errors.js';

/** An AWS call was cut off because the invocation's deadline passed: the function fails before Lambda kills it. */
export class DeadlineExceededError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeadlineExceededError';
  }
}

// One invocation at a time runs in a Lambda container, so the deadline of the running one can live at module scope.
let deadline: number | undefined;

/** Sets (epoch milliseconds) or clears the instant after which no AWS call of this container may still run. */
export function setAwsCallDeadline(at: number | undefined): void {
  deadline = at;
}

/** The current deadline, epoch milliseconds, if an invocation set one. */
export function awsCallDeadline(): number | undefined {
  return deadline;
}

/**
 * The HTTP handler of every client: each attempt is bounded by the request timeout, and by what is left before
 * the invocation's deadline, after which no attempt starts and a running one is aborted.
 */
export class DeadlineBoundHttpHandler extends NodeHttpHandler {
  readonly #requestTimeoutMs: number;
  readonly #clock: () => number;

  constructor(options: NodeHttpHandlerOptions & { requestTimeout: number }, clock: () => number = Date.now) {
    super({ ...options, throwOnRequestTimeout: true });
    this.#requestTimeoutMs = options.requestTimeout;
    this.#clock = clock;
  }

  override async handle(request: Parameters<NodeHttpHandler['handle']>[0], options: HttpHandlerOptions = {}) {
    const at = deadline;
    if (at === undefined) return super.handle(request, options);
    const left = at - this.#clock();
    const what = `${request.headers['x-amz-target'] ?? request.hostname} call`;
    if (left <= 0) throw new DeadlineExceededError(`${what} not started: the invocation's deadline has passed`);
    const signals = [AbortSignal.timeout(left), options.abortSignal as AbortSignal | undefined];
    try {
      return await super.handle(request, {
        ...options,
        abortSignal: AbortSignal.any(signals.filter((signal) => signal !== undefined)),
        requestTimeout: Math.min(options.requestTimeout ?? this.#requestTimeoutMs, left),
      });
    } catch (error) {
      if (this.#clock() >= at) {
        throw new DeadlineExceededError(`${what} cut off by the invocation's deadline`, { cause: error });
      }
      throw error;
    }
  }
}
