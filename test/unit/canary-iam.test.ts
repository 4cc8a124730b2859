// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RULE, TG_BLUE, TG_GREEN } from '#test/support/canary-builders.js';
import { checkIamStatements } from '#test/support/iam-check.js';

const require = createRequire(import.meta.url);
const repoRoot = resolve(import.meta.dirname, '..', '..');
const statementsModule = join(repoRoot, 'deploy', 'roles', 'canary-promoter-statements.cjs');

type Statement = { Sid: string; Action: string | string[]; Resource: unknown };

function statementsFor(yaml: string): Statement[] {
  const dir = mkdtempSync(join(tmpdir(), 'canary-iam-'));
  writeFileSync(join(dir, 'ecs-autopilot.yml'), yaml);
  process.env.AUTOPILOT_CONFIG_FILE_FOR_PACKAGE = relative(repoRoot, join(dir, 'ecs-autopilot.yml'));
  delete require.cache[statementsModule];
  return (require(statementsModule) as () => Statement[])();
}

describe('Deploy: canary promoter role', () => {
  afterEach(() => {
    delete process.env.AUTOPILOT_CONFIG_FILE_FOR_PACKAGE;
  });

  it('grants weight writes only on the configured rule and UpdateService only on the two sides', () => {
    // Act
    const statements = statementsFor(`version: 1
clusters: [{ name: prod, services: [{ name: web-blue }] }]
canaries:
  - name: web
    cluster: prod
    ruleArn: ${RULE}
    sides:
      - { service: web-blue, targetGroupArn: ${TG_BLUE} }
      - { service: web-green, targetGroupArn: ${TG_GREEN} }
`);

    // Assess
    expect(statements.find((s) => s.Sid === 'WriteCanaryWeights')?.Resource).toEqual([RULE]);
    expect(statements.find((s) => s.Sid === 'ScaleAndDeployCanarySides')?.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/prod/web-blue' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/prod/web-green' },
    ]);
    expect(checkIamStatements(statements.map((statement) => ({ where: statement.Sid, statement })))).toEqual([]);
    expect(statements.find((s) => s.Sid === 'SetCanarySideScalableTargetBounds')).toMatchObject({
      Action: 'application-autoscaling:RegisterScalableTarget',
      Condition: {
        StringEquals: {
          'application-autoscaling:service-namespace': 'ecs',
          'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
        },
      },
    });
  });

  it('grants no write on load balancers or services when no canary is configured', () => {
    // Act
    const statements = statementsFor('version: 1\nclusters: [{ name: prod, services: [{ name: web }] }]\n');

    // Assess
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('elasticloadbalancing:ModifyRule');
    expect(actions).not.toContain('ecs:UpdateService');
    expect(actions).not.toContain('application-autoscaling:RegisterScalableTarget');
  });

  it("leaves a member account's canary to that account's role: the central role writes nothing for it", () => {
    // Act
    const member = (arn: string) => arn.replace(/:\d{12}:/, ':222222222222:');
    const statements = statementsFor(`version: 1
accounts: [{ id: "222222222222", regions: [us-east-1], externalId: ext }]
clusters: [{ name: prod, services: [{ name: web-blue }] }]
canaries:
  - name: web
    cluster: prod
    account: "222222222222"
    ruleArn: ${member(RULE)}
    sides:
      - { service: web-blue, targetGroupArn: ${member(TG_BLUE)} }
      - { service: web-green, targetGroupArn: ${member(TG_GREEN)} }
`);

    // Assess
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('elasticloadbalancing:ModifyRule');
    expect(actions).not.toContain('ecs:UpdateService');
  });
});
