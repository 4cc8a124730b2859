import { describe, expect, it } from 'vitest';
import { InvalidArnError } from '#shared/aws/arn.js';
import { DeadlineExceededError } from '#shared/aws/deadline.js';
import { ConfigError } from '#shared/config/load.js';
import { AutopilotError, MissingSettingError } from '#shared/errors.js';
import { InvalidEventError } from '#shared/events/errors.js';
import { type AuditRecord, auditErrorOf } from '#shared/executor/audit.js';
import {
  ActionsFailedError,
  failedActionsThrown,
  MissingClientError,
  PrerequisiteNotMetError,
  VerificationFailedError,
} from '#shared/executor/errors.js';
import { MalformedAlertError } from '#shared/notify/deliver.js';
import { ObservationError } from '#shared/services/observation-cache.js';
import { ClusterNotFoundError } from '#shared/services/observe.js';
import { LeaseLostError, LeaseUnavailableError, StateConflictError } from '#shared/state/errors.js';

describe('Errors', () => {
  const cause = new Error('what went wrong underneath');
  const errors: Array<[string, Error]> = [
    ['ConfigError', new ConfigError('ecs-autopilot.yml', ['version: expected 1'], { cause })],
    ['InvalidEventError', new InvalidEventError('ECS Task State Change', ['detail.version: required'], { cause })],
    ['ObservationError', new ObservationError('no EC2 instance id for ci-1', { cause })],
    ['InvalidArnError', new InvalidArnError('prod', 'an ECS cluster ARN', { cause })],
    ['ClusterNotFoundError', new ClusterNotFoundError('ghost', { cause })],
    ['StateConflictError', new StateConflictError('the record changed since it was read', { cause })],
    ['LeaseLostError', new LeaseLostError('lease targetgroup#tg-1/lease is no longer held by a', { cause })],
    ['DeadlineExceededError', new DeadlineExceededError("call cut off by the invocation's deadline", { cause })],
    ['MalformedAlertError', new MalformedAlertError('outbox message m-1 is not an alert', { cause })],
    ['LeaseUnavailableError', new LeaseUnavailableError('lease targetgroup#tg-1/lease still held')],
    ['MissingSettingError', new MissingSettingError('ALERT_OUTBOX_URL (the alert outbox queue) is required')],
    ['MissingClientError', new MissingClientError('ecs')],
    ['VerificationFailedError', new VerificationFailedError('read back: desired count 3')],
    ['PrerequisiteNotMetError', new PrerequisiteNotMetError('stop-task|arn', 'blocked')],
    ['ActionsFailedError', new ActionsFailedError({ audit: [] })],
  ];

  it.each(errors)('%s derives from the one base error and names itself', (name, error) => {
    expect(error).toBeInstanceOf(AutopilotError);
    expect(error.name).toBe(name);
    expect(error.message.length).toBeGreaterThan(0);
  });

  // Built in the test, not with the list above while the file loads, so that a mutation run can measure it.
  it('names the base error itself, for a failure of no more precise kind, and a missing setting', () => {
    const error = new AutopilotError('a failure of no more precise kind', { cause });
    expect(error.name).toBe('AutopilotError');
    expect(error.cause).toBe(cause);
    expect(new MissingSettingError('STATE_TABLE_NAME (the state table) is required').name).toBe('MissingSettingError');
  });

  it('keeps the error it wraps as its cause', () => {
    for (const [, error] of errors.slice(0, 9)) expect(error.cause).toBe(cause);
  });

  it('says what to do in the messages it writes itself', () => {
    expect(new InvalidArnError('prod', 'an ECS cluster ARN').message).toBe(
      '"prod" is not an ECS cluster ARN: check where it came from (the event, the config or an AWS answer)',
    );
    expect(new MissingClientError('ecs').message).toMatch(/pass it in the executor's clients$/);
  });

  it('fails a reaction whose action failed, naming the action and keeping the AWS error as cause', () => {
    // Prepare
    const thrown = Object.assign(new Error('We encountered an internal error'), { name: 'InternalFailure' });
    const failed = {
      action: { kind: 'deregister-targets' },
      description: 'deregister 10.0.1.17:8080 from web-tg',
      outcome: 'failed',
      error: auditErrorOf(thrown),
    } as unknown as AuditRecord;
    const applied = { ...failed, outcome: 'applied', error: undefined } as AuditRecord;

    // Act
    const fine = failedActionsThrown({ audit: [applied] });
    const failure = (() => {
      try {
        failedActionsThrown({ audit: [applied, failed] });
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(fine.audit).toEqual([applied]);
    expect(failure).toBeInstanceOf(ActionsFailedError);
    expect(failure).toMatchObject({
      message: expect.stringMatching(
        /^1 action\(s\) failed .*: deregister 10\.0\.1\.17:8080 from web-tg: InternalFailure/,
      ),
      cause: thrown,
      reaction: { audit: [applied, failed] },
    });
  });
});
