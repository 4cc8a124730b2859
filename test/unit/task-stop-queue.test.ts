import type { SQSRecordAttributes } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InvalidEventError, requireParsed } from '#shared/events/errors.js';
import { foreignOrigin } from '#shared/events/origin.js';
import { TaskStateChangeEventSchema } from '#shared/events/task-state-change.js';
import { readQueuedTaskEvent, readQueuedTaskEvents } from '#shared/events/task-stop-queue.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent } from '#test/support/fixtures.js';

const body = JSON.stringify(loadEvent('task-stopped-essential-exit'));

function record(messageId: string, text: string, attributes: Partial<SQSRecordAttributes> = {}) {
  return { messageId, body: text, attributes: attributes as SQSRecordAttributes };
}

describe('Function: readQueuedTaskEvent', () => {
  it('reads the attempt and the first receipt from the message attributes', () => {
    // Act
    const read = readQueuedTaskEvent(
      record('m-1', body, { ApproximateReceiveCount: '3', ApproximateFirstReceiveTimestamp: '1764158400000' }),
    );

    // Assess
    expect(read).toMatchObject({ ok: true, messageId: 'm-1', attempt: 3, firstReceivedAt: 1764158400000 });
  });

  it('counts a message without attributes, or with a count that is not one, as its first attempt', () => {
    // Act
    const bare = readQueuedTaskEvent({ messageId: 'm-1', body } as Parameters<typeof readQueuedTaskEvent>[0]);
    const garbled = readQueuedTaskEvent(record('m-2', body, { ApproximateReceiveCount: 'many' }));

    // Assess
    expect(bare).toMatchObject({ ok: true, attempt: 1 });
    expect(bare).not.toHaveProperty('firstReceivedAt');
    expect(garbled).toMatchObject({ ok: true, attempt: 1 });
    expect(garbled).not.toHaveProperty('firstReceivedAt');
  });

  it('says why a message that is not JSON cannot be read', () => {
    // Act
    const read = readQueuedTaskEvent(record('m-1', '{"detail":'));

    // Assess
    expect(read).toMatchObject({
      ok: false,
      messageId: 'm-1',
      why: expect.stringMatching(/^the message is not JSON: ./),
    });
  });
});

describe('Function: readQueuedTaskEvents', () => {
  it('splits a batch into readable events and unreadable messages, each with why', () => {
    // Prepare
    const records = [
      record('m-1', body, { ApproximateReceiveCount: '2', ApproximateFirstReceiveTimestamp: '1764158400000' }),
      record('m-2', 'not json'),
      record('m-3', body),
    ];

    // Act
    const { events, unreadable } = readQueuedTaskEvents(records);

    // Assess
    expect(events.map(({ event, ...rest }) => ({ ...rest, taskArn: event.detail.taskArn }))).toStrictEqual([
      { messageId: 'm-1', attempt: 2, firstReceivedAt: 1764158400000, taskArn: expect.stringContaining(':task/') },
      { messageId: 'm-3', attempt: 1, taskArn: expect.stringContaining(':task/') },
    ]);
    expect(unreadable).toEqual([{ messageId: 'm-2', why: expect.stringMatching(/^the message is not JSON/) }]);
  });
});

describe('Function: requireParsed', () => {
  it('returns what parsed', () => {
    // Act
    const data = requireParsed({ success: true, data: { answer: 42 } }, 'test');

    // Assess
    expect(data).toEqual({ answer: 42 });
  });

  it('names every bad field of a validation failure, one line each, and keeps the failure as cause', () => {
    // Prepare
    const event = loadEvent('task-stopped-essential-exit') as { detail: Record<string, unknown> };
    delete event.detail.version;
    event.detail.lastStatus = 7;
    const failure = new Error('parse failed', { cause: v.safeParse(TaskStateChangeEventSchema, event).issues });

    // Act
    const thrown = (() => {
      try {
        return requireParsed({ success: false, error: failure }, 'ECS Task State Change');
      } catch (error) {
        return error;
      }
    })() as InvalidEventError;

    // Assess
    expect(thrown).toBeInstanceOf(InvalidEventError);
    expect(thrown.problems).toHaveLength(2);
    expect(thrown.message).toBe(
      'invalid ECS Task State Change event:\n' +
        '  - detail.lastStatus: Invalid input: expected string, received number\n' +
        '  - detail.version: Invalid input: expected number, received undefined',
    );
    expect(thrown.cause).toBe(failure);
  });

  it('gives the message of a failure that carries no issues', () => {
    // Act
    const thrown = () => requireParsed({ success: false, error: new Error('body is empty') }, 'Scheduled Event');

    // Assess
    expect(thrown).toThrow('invalid Scheduled Event event:\n  - body is empty');
  });
});

describe('Events: foreignOrigin, resource accounts', () => {
  const home = { account: '111122223333', region: 'us-east-1' };
  const event = { account: '111122223333', region: 'us-east-1', time: '2026-11-24T12:00:00Z' };

  it('refuses a resource of another account in this region', () => {
    // Act
    const why = foreignOrigin(event, home, ['arn:aws:ecs:us-east-1:999988887777:service/prod/web']);

    // Assess
    expect(why).toBe(
      "the event's resource arn:aws:ecs:us-east-1:999988887777:service/prod/web: account 999988887777 is not ours " +
        '(111122223333): another deployment acts on it',
    );
  });

  it('reads no account into an owner field that is not twelve digits', () => {
    // Act
    const why = foreignOrigin(event, home, [
      'arn:aws:ssm:us-east-1:aws:parameter/x',
      'arn:aws:ssm:us-east-1:x999988887777:parameter/x',
      'arn:aws:ssm:us-east-1:9999888877771:parameter/x',
    ]);

    // Assess
    expect(why).toBeUndefined();
  });

  it('says none for an envelope without a region', () => {
    // Act
    const why = foreignOrigin({ ...event, region: '' }, home);

    // Assess
    expect(why).toBe("the event's region none is not ours (us-east-1): another deployment acts on it");
  });
});
