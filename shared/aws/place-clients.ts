import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import QuickLRU from 'quick-lru';
import { metered } from './call-meter.js';
import { type AwsClientOptions, awsClientOptions } from './options.js';

/** Where to act and how: `role` undefined means the function's own credentials (its own account and region). */
export interface ClientPlace {
  account: string;
  region: string;
  role?: { arn: string; externalId?: string };
}

/** What a client factory is given: the options every client of the product has, the place's region and credentials. */
export type PlaceClientOptions = AwsClientOptions & { region: string; credentials?: AwsCredentialIdentityProvider };

// biome-ignore lint/suspicious/noExplicitAny: every SDK client has its own input/output unions
type AnyClient = { middlewareStack: { use(plugin: any): void } };

/** How to build a client for a place, and the name the call meter counts its calls under. */
export interface ClientRecipe<C> {
  meter: string;
  build: (options: PlaceClientOptions) => C;
}

/** A recipe for each client of a set. */
export type ClientRecipes<T> = { [K in keyof T]: ClientRecipe<T[K]> };

/** STS allows 2-64 characters of letters, digits and `+=,.@_-` in a role session name. */
export function roleSessionName(text: string): string {
  const name = text.replaceAll(/[^\w+=,.@-]/g, '-').slice(0, 64);
  // Stryker disable next-line EqualityOperator: a name of exactly two characters comes back unchanged either way
  return name.length >= 2 ? name : `${name}--`.slice(0, 2);
}

/** How long assumed credentials last: the least STS allows, since a reaction lasts seconds. */
const SESSION_SECONDS = 900;

/**
 * Credentials of a member account's execution role. The provider assumes the role on first use and refreshes it
 * shortly before expiry (the SDK's own caching); the session name says which event the actions in that account
 * answer, as CloudTrail shows it there.
 */
export function assumedRoleCredentials(
  role: NonNullable<ClientPlace['role']>,
  sessionName: string,
  base: AwsClientOptions,
): AwsCredentialIdentityProvider {
  const { region: stsRegion, ...client } = base;
  return fromTemporaryCredentials({
    params: {
      RoleArn: role.arn,
      RoleSessionName: roleSessionName(sessionName),
      DurationSeconds: SESSION_SECONDS,
      ...(role.externalId ? { ExternalId: role.externalId } : {}),
    },
    // STS of the function's own region (always enabled, and near), with the timeouts and retries of every client.
    clientConfig: { ...(stsRegion ? { region: stsRegion } : {}), ...client },
  });
}

/**
 * SDK clients for any (account, region): the function's own clients for its home, clients signed with the member
 * role's credentials elsewhere, kept per role, region and session (a retried event reuses its credentials).
 */
export class PlaceClients<T extends Record<string, AnyClient>> {
  readonly #own: T;
  readonly #recipes: ClientRecipes<T>;
  readonly #env: NodeJS.ProcessEnv;
  readonly #built = new QuickLRU<string, T>({ maxSize: 64 });

  constructor(own: T, recipes: ClientRecipes<T>, env: NodeJS.ProcessEnv = process.env) {
    this.#own = own;
    this.#recipes = recipes;
    this.#env = env;
  }

  /** The clients for a place; `sessionName` names the event they act on (used only for a member role). */
  at(place: ClientPlace, sessionName: string): T {
    if (!place.role) return this.#own;
    // Stryker disable next-line StringLiteral: any stand-in for no external id keeps the roles without one together
    const key = `${place.role.arn}|${place.role.externalId ?? ''}|${place.region}|${sessionName}`;
    const cached = this.#built.get(key);
    if (cached) return cached;
    const base = awsClientOptions(this.#env);
    const credentials = assumedRoleCredentials(place.role, sessionName, base);
    const clients = Object.fromEntries(
      Object.entries(this.#recipes).map(([name, recipe]) => {
        const { meter, build } = recipe as ClientRecipes<T>[keyof T];
        // Each client its own request handler: a place's deadline-bound connections are not shared.
        const options = { ...awsClientOptions(this.#env), region: place.region, credentials };
        return [name, metered(build(options) as AnyClient, meter)];
      }),
    ) as T;
    this.#built.set(key, clients);
    return clients;
  }
}
