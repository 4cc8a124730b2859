import { describe, expect, it } from 'vitest';
import type { Action } from '#shared/executor/actions.js';
import { type ActionKind, applyAndVerify, verificationModeOf } from '#shared/executor/apply-and-verify.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { ActionsFailedError, failedActionsThrown, MissingActionKindError } from '#shared/executor/errors.js';

const action = (kind: Action['kind']) => ({ kind }) as Action;

/** A kind whose write answers `changed`, recording what was called. */
function recordingKind(changed: boolean) {
  const calls: string[] = [];
  const kind: ActionKind<Action> = {
    apply: async () => {
      calls.push('apply');
      return { changed, evidence: 'wrote' };
    },
    verify: async (_action, _clients, mode) => {
      calls.push(`verify ${mode}`);
      return { ok: true, evidence: 'read back' };
    },
  };
  return { kind, calls };
}

describe('Executor: how an action is applied and verified', () => {
  it('verifies deregistration as configured, tags by acknowledgement and every other write by reading it back', () => {
    // Act
    const modes = [
      verificationModeOf(action('deregister-targets'), 'acknowledged'),
      verificationModeOf(action('deregister-targets'), 'read-back'),
      verificationModeOf(action('tag-service'), 'read-back'),
      verificationModeOf(action('set-desired-count'), 'acknowledged'),
      verificationModeOf(action('set-forward-weights'), 'acknowledged'),
    ];

    // Assess
    expect(modes).toEqual(['acknowledged', 'read-back', 'acknowledged', 'read-back', 'read-back']);
  });

  it('verifies a write that changed something in the mode given, and does not verify one that changed nothing', async () => {
    // Prepare
    const changed = recordingKind(true);
    const unchanged = recordingKind(false);

    // Act
    const written = await applyAndVerify(action('stop-task'), { 'stop-task': changed.kind }, {}, 'read-back');
    const nothing = await applyAndVerify(action('stop-task'), { 'stop-task': unchanged.kind }, {}, 'read-back');

    // Assess
    expect(written).toEqual({
      applied: { changed: true, evidence: 'wrote' },
      verification: { ok: true, evidence: 'read back' },
    });
    expect(changed.calls).toEqual(['apply', 'verify read-back']);
    expect(nothing).toEqual({ applied: { changed: false, evidence: 'wrote' }, verification: undefined });
    expect(unchanged.calls).toEqual(['apply']);
  });

  it('refuses an action whose kind the reaction did not hand over, naming it', async () => {
    // Act
    const run = applyAndVerify(action('stop-task'), {}, {}, 'read-back');

    // Assess
    await expect(run).rejects.toThrow(MissingActionKindError);
    await expect(run).rejects.toMatchObject({
      name: 'MissingActionKindError',
      message: `the executor was given no "stop-task" action kind: pass it in the executor's kinds`,
    });
  });
});

describe('Executor: a reaction whose actions failed', () => {
  const failed = (description: string, error?: AuditRecord['error']) =>
    ({ description, outcome: 'failed', ...(error ? { error } : {}) }) as AuditRecord;

  it('names every failed action, with its error or without one, and keeps the first error as cause', () => {
    // Prepare
    const cause = new Error('throttled');
    const withError = failed('stop task a', { name: 'ThrottlingException', message: 'slow down', cause });
    const applied = { description: 'tag web', outcome: 'applied' } as AuditRecord;

    // Act
    const thrown = (() => {
      try {
        return failedActionsThrown({ audit: [applied, withError, failed('stop task b')] });
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(thrown).toBeInstanceOf(ActionsFailedError);
    expect(thrown).toMatchObject({
      message:
        '2 action(s) failed after the reaction was reported; the event is retried: stop task a: ThrottlingException: slow down; stop task b: failed',
    });
    expect((thrown as Error).cause).toBe(cause);
  });

  it('fails a reaction whose failed action kept no error, with no cause', () => {
    // Act & Assess
    expect(() => failedActionsThrown({ audit: [failed('stop task b')] })).toThrow(
      expect.objectContaining({ name: 'ActionsFailedError', cause: undefined }),
    );
  });
});
