/**
 * The tasks a side needs to take `percent` of the pair's traffic: its share of the stable side's full desired count,
 * rounded up, and never fewer than `minimum` while it takes any traffic.
 */
export function tasksForPercent(fullDesired: number, percent: number, minimum: number): number {
  if (percent <= 0) return 0;
  return Math.max(minimum, Math.ceil((fullDesired * percent) / 100 - 1e-9));
}

/**
 * The largest percent of traffic a side can take with `healthy` targets when all traffic needs `fullDesired`: what a
 * rollback may move to the stable side before it has its full capacity back.
 */
export function percentCarriedBy(healthy: number, fullDesired: number): number {
  if (fullDesired <= 0) return 100;
  return Math.max(0, Math.min(100, Math.floor((100 * healthy) / fullDesired)));
}
