import { vi } from 'vitest';

/**
 * Runs `act` with Powertools Metrics on (the tests turn it off) and returns what it settled to with the `AlertsLost`
 * counts it published on stdout, as CloudWatch would read them from the function's log stream.
 */
export async function alertsLostWhile<T>(act: () => Promise<T>): Promise<{ settled: T | Error; lost: number[] }> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
    lines.push(String(chunk));
    return write(chunk, ...(rest as []));
  });
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  try {
    const settled = await act().catch((error: Error) => error);
    const lost = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"AlertsLost"'))
      .map((l) => (JSON.parse(l) as { AlertsLost: number }).AlertsLost);
    return { settled, lost };
  } finally {
    spy.mockRestore();
    if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  }
}
