import * as z from 'zod';
import { nearest, strictObject } from '../validation/strict.js';

/** The role a member stack creates in its account, and the name the config assumes when it names none. */
export const DEFAULT_MEMBER_ROLE_NAME = 'ecs-autopilot-member';

const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'an AWS region code such as "eu-west-1"')
  .describe('AWS region code.');

/** One account the deployment acts in, through the execution role its member stack creates. */
export const AccountSchema = strictObject({
  id: z
    .string({ error: 'a 12-digit AWS account id, quoted so that YAML keeps its leading zeros' })
    .regex(/^\d{12}$/, 'a 12-digit AWS account id, quoted so that YAML keeps its leading zeros')
    .describe('AWS account id (12 digits, quoted).'),
  regions: z
    .array(regionSchema)
    .min(1, 'at least one region')
    .refine((r) => new Set(r).size === r.length, 'each region once')
    .describe('Regions of this account whose events and clusters the deployment handles.'),
  roleName: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name (1-64 letters, digits and +=,.@_-)')
    .default(DEFAULT_MEMBER_ROLE_NAME)
    .describe("The member stack's execution role that the functions assume in this account."),
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, 'an STS external id (2-1224 letters, digits and +=,.@:/_-)')
    .optional()
    .describe('The external id the execution role requires (sts:ExternalId), if its member stack sets one.'),
});

export type AccountConfig = z.output<typeof AccountSchema>;

export const AccountsSchema = z
  .array(AccountSchema)
  .default([])
  .describe(
    "Accounts and regions beyond the deployment's own, each acted in through its member stack's role. Omitted: the deployment's own account and region alone.",
  );

/** Where a cluster or a canary lives; both omitted means the deployment's own account and region. */
export const LocationFields = {
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id listed under accounts, quoted')
    .optional()
    .describe("The account it lives in, listed under accounts (default: the deployment's own)."),
  region: regionSchema
    .optional()
    .describe("Its region, one of its account's regions (default: the account's only region)."),
};

/** What a located entry looks like to validation: a path for its errors, and where it says it lives. */
interface Located {
  path: (string | number)[];
  what: string;
  account?: string;
  region?: string;
}

/** Issues with the accounts list and with every entry's location, each with its path and what to write instead. */
export function locationProblems(
  accounts: readonly AccountConfig[],
  entries: readonly Located[],
): Array<{ path: (string | number)[]; message: string }> {
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  const firstAt = new Map<string, number>();
  accounts.forEach((account, i) => {
    const first = firstAt.get(account.id);
    if (first === undefined) firstAt.set(account.id, i);
    else
      problems.push({
        path: ['accounts', i, 'id'],
        message: `account ${account.id} is listed twice (first at accounts[${first}]): merge its regions into one entry`,
      });
  });
  const ids = accounts.map((a) => a.id);
  for (const entry of entries) {
    if (entry.account === undefined) {
      if (entry.region !== undefined)
        problems.push({
          path: [...entry.path, 'region'],
          message: `${entry.what} names a region without an account: give its account too (listed under accounts with that region)`,
        });
      continue;
    }
    const account = accounts.find((a) => a.id === entry.account);
    if (!account) {
      const guess = nearest(entry.account, ids);
      const known = ids.length ? `listed: ${ids.join(', ')}` : 'none is listed';
      problems.push({
        path: [...entry.path, 'account'],
        message: `${entry.what}: account ${entry.account} is not under accounts (${guess ? `did you mean ${guess}? ` : ''}${known})`,
      });
      continue;
    }
    if (entry.region !== undefined && !account.regions.includes(entry.region))
      problems.push({
        path: [...entry.path, 'region'],
        message: `${entry.what}: region ${entry.region} is not one of account ${account.id}'s regions (${account.regions.join(', ')})`,
      });
    if (entry.region === undefined && account.regions.length > 1)
      problems.push({
        path: [...entry.path, 'region'],
        message: `${entry.what}: account ${account.id} has several regions (${account.regions.join(', ')}): say which`,
      });
  }
  return problems;
}
