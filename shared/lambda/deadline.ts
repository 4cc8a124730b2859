import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { setAwsCallDeadline } from '../aws/deadline.js';

const defaults = { reserveMs: 3_000 };

/**
 * middy middleware: AWS calls of the invocation must end `reserveMs` before Lambda's own timeout, so that a hung
 * call fails the invocation with a logged error (and Lambda's retry) instead of a silent kill. A short remaining
 * time keeps half of it in reserve.
 */
export function awsCallDeadline(opts: Partial<typeof defaults> = {}): MiddlewareObj<unknown, unknown, Error, Context> {
  const { reserveMs } = { ...defaults, ...opts };
  const awsCallDeadlineBefore = (request: { context: Context }) => {
    const left = request.context.getRemainingTimeInMillis();
    setAwsCallDeadline(Date.now() + left - Math.min(reserveMs, left / 2));
  };
  const awsCallDeadlineAfter = () => {
    setAwsCallDeadline(undefined);
  };
  return { before: awsCallDeadlineBefore, after: awsCallDeadlineAfter, onError: awsCallDeadlineAfter };
}
