/** Checks of where each canary lives, once the accounts and every location are known to be valid. Pure. */
import type { AccountConfig } from './accounts.js';
import type { CanaryConfig } from './canary.js';

type Problem = { path: (string | number)[]; message: string };

/**
 * A canary is its name where it lives: the same name in two accounts is two canaries, twice in one place is an
 * error. A canary that names its account must have its action and target groups there: the promoter acts through
 * that account's role, which can reach nothing else.
 */
export function canaryPlaceProblems(config: { accounts: AccountConfig[]; canaries: CanaryConfig[] }): Problem[] {
  const problems: Problem[] = [];
  const firstAt = new Map<string, number>();
  config.canaries.forEach((canary, i) => {
    // As placeOf says (places.ts, which depends on the whole schema): the region named, else the account's only one.
    const account = config.accounts.find((a) => a.id === canary.account);
    const place = account && { account: account.id, region: canary.region ?? account.regions[0] ?? '' };
    const key = `${place ? `${place.account}/${place.region}` : ''}#${canary.name}`;
    const first = firstAt.get(key);
    if (first !== undefined)
      problems.push({
        path: ['canaries', i, 'name'],
        message: `canary "${canary.name}" is twice${place ? ` in account ${place.account} in ${place.region}` : ''} (first at canaries[${first}])`,
      });
    else firstAt.set(key, i);
    if (!place) return;
    const arns: Array<[(string | number)[], string]> = [
      [canary.ruleArn ? ['ruleArn'] : ['listenerArn'], canary.ruleArn ?? canary.listenerArn ?? ''],
      ...canary.sides.map((s, si): [(string | number)[], string] => [
        ['sides', si, 'targetGroupArn'],
        s.targetGroupArn,
      ]),
    ];
    for (const [path, arn] of arns) {
      const [, , , region, account] = arn.split(':');
      if (account !== place.account || region !== place.region)
        problems.push({
          path: ['canaries', i, ...path],
          message: `canary "${canary.name}" lives in account ${place.account} in ${place.region}, but this ARN is of account ${account} in ${region}`,
        });
    }
  });
  return problems;
}
