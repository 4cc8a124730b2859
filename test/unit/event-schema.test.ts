import type { SQSRecordAttributes } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { TaskStateChangeEventSchema } from '#shared/events/task-state-change.js';
import { readQueuedTaskEvent } from '#shared/events/task-stop-queue.js';
import * as v from '#shared/validation/input-schema.js';
import { eventNames, loadEvent } from '#test/support/fixtures.js';

type Sample = { detail: Record<string, unknown> };

describe('Event schema: TaskStateChangeEventSchema', () => {
  it('finds the samples it checks', () => {
    // Act
    const ours = eventNames('repo', 'task-');
    const aws = eventNames('aws', 'ecs-task-state-change-');

    // Assess
    expect(ours.length).toBeGreaterThanOrEqual(14);
    expect(aws.length).toBeGreaterThanOrEqual(6);
  });

  it.each(eventNames('repo', 'task-'))('parses our sample %s', (name) => {
    // Prepare
    const event = loadEvent(name);

    // Act
    const result = v.safeParse(TaskStateChangeEventSchema, event);

    // Assess
    expect(result.issues ?? []).toEqual([]);
  });

  it.each(eventNames('aws', 'ecs-task-state-change-'))('parses the real AWS sample %s', (name) => {
    // Prepare
    const event = loadEvent(name);

    // Act
    const result = v.safeParse(TaskStateChangeEventSchema, event);

    // Assess
    expect(result.issues ?? []).toEqual([]);
  });

  it('keeps the fields it does not check', () => {
    // Prepare
    const event = loadEvent('task-stopped-ec2-bridge');

    // Act
    const { detail } = v.parse(TaskStateChangeEventSchema, event);

    // Assess
    expect(detail).toMatchObject({ createdAt: '2025-06-02T19:03:22.914Z', overrides: expect.any(Object) });
    expect(detail.containers[0]?.networkBindings).toEqual([
      { bindIP: '0.0.0.0', containerPort: 8080, hostPort: 32768, protocol: 'tcp' },
    ]);
  });

  it('rejects an event without detail.version, naming the field', () => {
    // Prepare
    const event = loadEvent('task-stopped-essential-exit') as Sample;
    delete event.detail.version;

    // Act
    const result = v.safeParse(TaskStateChangeEventSchema, event);

    // Assess
    expect(result.success).toBe(false);
    expect(result.issues?.map((issue) => issue.path?.map((step) => step.key))).toContainEqual(['detail', 'version']);
  });

  it('rejects a taskArn that is not an ARN, naming the field', () => {
    // Prepare
    const event = loadEvent('task-stopped-essential-exit') as Sample;
    event.detail.taskArn = 'b2e8d4a6c0f143a9b7d1e5c3a9f6b082';

    // Act
    const result = v.safeParse(TaskStateChangeEventSchema, event);

    // Assess
    expect(result.success).toBe(false);
    expect(result.issues?.map((issue) => issue.path?.map((step) => step.key))).toContainEqual(['detail', 'taskArn']);
  });

  it('says what a missing or mistyped field should have been, one line per field', () => {
    // Prepare
    const event = loadEvent('task-stopped-essential-exit') as Sample;
    delete event.detail.version;
    event.detail.lastStatus = 7;

    // Act
    const read = readQueuedTaskEvent({
      messageId: 'm-1',
      body: JSON.stringify(event),
      attributes: {} as SQSRecordAttributes,
    });

    // Assess
    expect(read).toMatchObject({
      ok: false,
      why:
        'invalid ECS Task State Change event: detail.lastStatus: Invalid input: expected string, received number; ' +
        'detail.version: Invalid input: expected number, received undefined',
    });
  });

  it('rejects an event of another detail-type', () => {
    // Prepare
    const event = loadEvent('aws:ecs-deployment-state-change-failed-circuit-breaker');

    // Act
    const result = v.safeParse(TaskStateChangeEventSchema, event);

    // Assess
    expect(result.success).toBe(false);
    expect(result.issues?.map((issue) => issue.path?.map((step) => step.key))).toContainEqual(['detail-type']);
  });
});

describe('Fixtures: loadEvent', () => {
  it('returns a fresh copy on every call', () => {
    // Prepare
    const first = loadEvent('task-stopped-user') as Sample;

    // Act
    first.detail.stopCode = 'Changed';
    const second = loadEvent('task-stopped-user') as Sample;

    // Assess
    expect(second.detail.stopCode).toBe('UserInitiated');
  });

  it('reads the real AWS samples with the aws: prefix', () => {
    // Act
    const event = loadEvent('aws:ecs-task-state-change-fargate-running-docs') as { region: string };

    // Assess
    expect(event.region).toBe('us-west-2');
  });
});
