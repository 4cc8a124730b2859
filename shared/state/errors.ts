import { AutopilotError } from '../errors.js';

/** Base of every durable-state error. */
export class StateError extends AutopilotError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StateError';
  }
}

/**
 * A conditional write lost: the record was created, changed, taken or expired since it was read. Read it again and
 * decide afresh; never retry the same write blindly.
 */
export class StateConflictError extends StateError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StateConflictError';
  }
}

/** A lease could not be renewed: it expired and another owner may have taken it. Stop the work it guarded. */
export class LeaseLostError extends StateConflictError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LeaseLostError';
  }
}

/** No lease within the bounded wait: someone else kept it. The caller fails (and is retried) rather than acts. */
export class LeaseUnavailableError extends StateError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LeaseUnavailableError';
  }
}

/** True when DynamoDB refused a write because its condition did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
