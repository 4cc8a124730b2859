import { describe, expect, it } from 'vitest';
import type { Action } from '#shared/executor/actions.js';
import { type ActionKind, applyAndVerify } from '#shared/executor/apply-and-verify.js';
import { VerificationFailedError } from '#shared/executor/errors.js';

const action = (kind: Action['kind']) => ({ kind }) as Action;
const timeout = () =>
  Object.assign(new Error('a request has exceeded the configured 500 ms requestTimeout'), {
    name: 'TimeoutError',
  });
const serverFault = () =>
  Object.assign(new Error('We encountered an internal error'), {
    name: 'InternalFailure',
    $fault: 'server',
  });
const throttled = (attempts = 1) =>
  Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', $metadata: { attempts } });

/** A kind whose write throws `error`, and whose read-back answers `read` (or throws), recording what was called. */
function failingKind(error: Error, read: { ok: boolean } | 'throws') {
  const calls: string[] = [];
  const kind: ActionKind<Action> = {
    apply: async () => {
      calls.push('apply');
      throw error;
    },
    verify: async (_action, _clients, mode) => {
      calls.push(`verify ${mode}`);
      if (read === 'throws') throw serverFault();
      return { ...read, evidence: read.ok ? 'read back: gone' : 'still in service' };
    },
  };
  return { kind, calls };
}

describe('Executor: a write whose answer was lost', () => {
  it.each([
    ['a timeout', timeout],
    ['a server fault', serverFault],
  ])('reads back a write that may have landed after %s, and takes it as applied when it did', async (_name, error) => {
    // Prepare
    const { kind, calls } = failingKind(error(), { ok: true });

    // Act
    const result = await applyAndVerify(
      action('deregister-targets'),
      { 'deregister-targets': kind },
      {},
      'acknowledged',
    );

    // Assess: read back even where the kind is only acknowledged, since no answer came
    expect(calls).toEqual(['apply', 'verify read-back']);
    expect(result.verification).toEqual({
      ok: true,
      evidence: `its answer was lost (${error().name}), read back: gone`,
    });
    expect(result.applied).toEqual({ changed: true, evidence: result.verification?.evidence });
  });

  it.each([
    'deregister-targets',
    'stop-task',
    'set-desired-count',
    'set-task-definition',
    'set-scalable-target-bounds',
  ] as const)('reads back a %s write whose answer was lost', async (name) => {
    // Prepare
    const { kind, calls } = failingKind(timeout(), { ok: true });

    // Act
    const result = await applyAndVerify(action(name), { [name]: kind }, {}, 'read-back');

    // Assess
    expect(calls).toEqual(['apply', 'verify read-back']);
    expect(result.verification?.ok).toBe(true);
  });

  it.each([
    // its verification writes the weights again: the canary reads a lost weight write back on its own terms
    'set-forward-weights',
    // its verification reads nothing
    'tag-service',
  ] as const)('keeps the error of a %s write without reading it back', async (name) => {
    // Prepare
    const error = timeout();
    const { kind, calls } = failingKind(error, { ok: true });

    // Act
    const result = applyAndVerify(action(name), { [name]: kind }, {}, 'read-back');

    // Assess
    await expect(result).rejects.toBe(error);
    expect(calls).toEqual(['apply']);
  });

  it('reads back a write refused on a retry: the SDK’s earlier attempt may have landed unanswered', async () => {
    // Prepare
    const { kind, calls } = failingKind(throttled(2), { ok: true });

    // Act
    const result = await applyAndVerify(action('deregister-targets'), { 'deregister-targets': kind }, {}, 'read-back');

    // Assess
    expect(calls).toEqual(['apply', 'verify read-back']);
    expect(result.verification?.evidence).toBe('its answer was lost (Throttling), read back: gone');
  });

  it.each([
    ['a refusal (throttled on its only attempt)', () => throttled()],
    ['a refusal with no attempt count', () => Object.assign(throttled(), { $metadata: {} })],
    ['a refusal with no metadata', () => Object.assign(new Error('Rate exceeded'), { $fault: 'client' })],
    ['one of ours', () => new VerificationFailedError('the forward action changed')],
  ])('keeps the error of a write refused for sure, %s, without reading', async (_name, make) => {
    // Prepare
    const error = make();
    const { kind, calls } = failingKind(error, { ok: true });

    // Act
    const result = applyAndVerify(action('deregister-targets'), { 'deregister-targets': kind }, {}, 'read-back');

    // Assess
    await expect(result).rejects.toBe(error);
    expect(calls).toEqual(['apply']);
  });

  it.each([
    ['shows it did not land', { ok: false }],
    ['fails too', 'throws'],
  ] as const)('keeps the write’s own error when the read %s', async (_name, read) => {
    // Prepare
    const error = timeout();
    const { kind, calls } = failingKind(error, read);

    // Act
    const result = applyAndVerify(action('set-desired-count'), { 'set-desired-count': kind }, {}, 'read-back');

    // Assess
    await expect(result).rejects.toBe(error);
    expect(calls).toEqual(['apply', 'verify read-back']);
  });
});
