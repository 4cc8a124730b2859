import { afterEach, describe, expect, it, vi } from 'vitest';
import { countDroppedAlerts } from '#shared/canary/tick-alerts.js';
import { T0 } from '#test/support/canary-builders.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The EMF documents written to stdout while `act` runs. */
function emfWhile(act: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  act();
  vi.restoreAllMocks();
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('Canary alerts pushed out of a full pending list', () => {
  it('are logged as an error and counted as lost alerts, which page the operations topic', () => {
    // Prepare
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const dropped = [
      { at: T0, decision: 'promote', reason: 'promote to 10 %' },
      { at: T0, decision: 'promote', reason: 'promote to 50 %' },
    ];

    // Act
    const docs = emfWhile(() => countDroppedAlerts({ logger }, 'web', dropped));

    // Assess
    expect(logger.error).toHaveBeenCalledWith('canary web: 2 alert(s) never queued were dropped for newer decisions', {
      dropped,
    });
    expect(docs).toEqual([expect.objectContaining({ AlertsLost: 2 })]);
  });

  it('count nothing when none was dropped', () => {
    // Prepare
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

    // Act
    const docs = emfWhile(() => countDroppedAlerts({ logger }, 'web', []));

    // Assess
    expect(logger.error).not.toHaveBeenCalled();
    expect(docs).toEqual([]);
  });
});
