/** Where an event comes from and when it was sent, judged against where this deployment runs. Pure. */

/** The account and region this deployment manages: events from anywhere else are not ours to act on. */
export interface Home {
  account: string;
  region: string;
}

/** How far in the future an event may be dated (clock skew between AWS and us) and still count as fresh. */
export const MAX_CLOCK_SKEW_SECONDS = 30;

/** The envelope fields every EventBridge event carries. */
export interface EventOrigin {
  account: string;
  region: string;
  time: string;
}

/**
 * Why an event is not ours, or undefined: its envelope, or an ARN it names (a cluster, a service, an alarm), is of
 * another account or region. Another deployment acts on it; acting here would touch what we do not manage.
 */
// Stryker disable next-line ArrayDeclaration: a default ARN without colons names no region or account, as none does
export function foreignOrigin(event: EventOrigin, home: Home, arns: readonly string[] = []): string | undefined {
  const origins: [string, string | undefined, string][] = [
    ['account', event.account, home.account],
    ['region', event.region, home.region],
  ];
  for (const arn of arns) {
    const [, , , region, account] = arn.split(':');
    // Global resources (no region, or `aws` as owner) say nothing about where the event belongs.
    if (region) origins.push([`resource ${arn}: region`, region, home.region]);
    if (account && /^\d{12}$/.test(account)) origins.push([`resource ${arn}: account`, account, home.account]);
  }
  const wrong = origins.find(([, seen, ours]) => seen !== ours);
  return (
    wrong && `the event's ${wrong[0]} ${wrong[1] || 'none'} is not ours (${wrong[2]}): another deployment acts on it`
  );
}

/**
 * Why an event's time cannot be trusted, or undefined: dated further in the future than clock skew explains (it
 * would otherwise count as fresh for ever), or not a time at all.
 */
export function untrustedTime(sentAt: string, now: Date): string | undefined {
  const at = Date.parse(sentAt);
  if (Number.isNaN(at)) return `its time ${JSON.stringify(sentAt)} is not a time: its age cannot be judged`;
  const aheadSeconds = (at - now.getTime()) / 1000;
  if (aheadSeconds <= MAX_CLOCK_SKEW_SECONDS) return undefined;
  return `dated ${Math.round(aheadSeconds)} s in the future (clock skew allowed: ${MAX_CLOCK_SKEW_SECONDS} s): its age cannot be judged`;
}
