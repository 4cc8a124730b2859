import { describe, expect, it } from 'vitest';
import { DeadlineBoundHttpHandler } from '#shared/aws/deadline.js';
import { awsClientOptions } from '#shared/aws/options.js';
import { assumedRoleCredentials } from '#shared/aws/place-clients.js';

type Request = Parameters<DeadlineBoundHttpHandler['handle']>[0];

const ROLE = 'arn:aws:iam::222222222222:role/ecs-autopilot-member';
const ANSWER = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAMEMBER</AccessKeyId>
      <SecretAccessKey>secret</SecretAccessKey>
      <SessionToken>token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser><AssumedRoleId>AROA:x</AssumedRoleId><Arn>${ROLE}</Arn></AssumedRoleUser>
  </AssumeRoleResult>
</AssumeRoleResponse>`;

/** STS as the handler of every client sees it: each request recorded, each answered with member credentials. */
class RecordingSts extends DeadlineBoundHttpHandler {
  readonly requests: Request[] = [];

  override async handle(request: Request) {
    this.requests.push(request);
    return { response: { statusCode: 200, headers: {}, body: Buffer.from(ANSWER) } };
  }
}

/** The function's own options with the recording handler and its own credentials (what signs the AssumeRole). */
function base(region: string | undefined) {
  const sts = new RecordingSts({ requestTimeout: 1_000 });
  const options = { ...awsClientOptions({}), region, requestHandler: sts };
  return { sts, options: { ...options, credentials: { accessKeyId: 'OWN', secretAccessKey: 'own' } } };
}

const form = (request: Request | undefined) => Object.fromEntries(new URLSearchParams(String(request?.body ?? '')));

describe('assumedRoleCredentials', () => {
  it('assumes the member role for 15 minutes, with its external id and a session name STS accepts', async () => {
    // Prepare
    const { sts, options } = base('eu-west-1');

    // Act
    const provider = assumedRoleCredentials({ arn: ROLE, externalId: 'ext-1' }, 'audit audit-1', options);
    const credentials = await provider();

    // Assess
    expect(credentials).toMatchObject({ accessKeyId: 'ASIAMEMBER', secretAccessKey: 'secret', sessionToken: 'token' });
    expect(sts.requests.map((r) => r.hostname)).toEqual(['sts.eu-west-1.amazonaws.com']);
    expect(form(sts.requests[0])).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'audit-audit-1',
      DurationSeconds: '900',
      ExternalId: 'ext-1',
    });
  });

  it('sends no external id for a role that has none', async () => {
    // Prepare
    const { sts, options } = base('eu-west-1');

    // Act
    await assumedRoleCredentials({ arn: ROLE }, 'task-stop-1', options)();

    // Assess
    expect(form(sts.requests[0])).not.toHaveProperty('ExternalId');
  });
});
