import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';
import { eventPatterns, manifestFunctions } from '#local/function-manifest.js';
import { repoRoot } from './fixtures.js';

/** An EventBridge rule of the stack, with the event pattern it is created with. */
export interface DeclaredRule {
  /** The rule's name without `<service>-<stage>-` for a function's rule, `resource:<logicalId>` for a resource. */
  id: string;
  /** The function the rule invokes, when it is a function event. */
  functionName?: string;
  pattern: Record<string, unknown>;
}

/** CloudFormation's short-form intrinsics (`!Ref`, `!GetAtt`, …) read as their long forms, so any YAML parses. */
const cloudFormationTags: Tags = [
  'Ref',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'ImportValue',
].flatMap((name) => {
  const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
  return [
    { tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => ({ [key]: value }) },
  ];
}) as Tags;

type Yaml = Record<string, unknown>;

function isObject(value: unknown): value is Yaml {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The resource files serverless.yml merges: deploy/resources/*.yml and deploy/roles/*.yml. */
function resourceFiles(): string[] {
  return ['resources', 'roles'].flatMap((dir) =>
    readdirSync(join(repoRoot, 'deploy', dir))
      .filter((file) => file.endsWith('.yml'))
      .map((file) => join(repoRoot, 'deploy', dir, file)),
  );
}

/**
 * The event patterns of every EventBridge rule of the stack: the `eventBridge` events of the functions (their
 * patterns from deploy/event-patterns.yml) and the `AWS::Events::Rule` resources with an `EventPattern`. Schedule-only
 * rules, which have no pattern, are left out; other event types (`sqs`, …) make no EventBridge rule at all.
 */
export function declaredRules(): DeclaredRule[] {
  const rules: DeclaredRule[] = manifestFunctions().flatMap(({ name, patternRules }) =>
    patternRules.map(({ rule, pattern }) => ({ id: rule, functionName: name, pattern })),
  );
  for (const file of resourceFiles()) {
    const config = parse(readFileSync(file, 'utf8'), { customTags: cloudFormationTags }) as Yaml;
    const resources = isObject(config.Resources) ? config.Resources : {};
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (!isObject(resource) || resource.Type !== 'AWS::Events::Rule') continue;
      const properties = isObject(resource.Properties) ? resource.Properties : {};
      const reference = /^\$\{file\(\.\/deploy\/event-patterns\.yml\):([\w-]+)\}$/.exec(
        String(properties.EventPattern),
      );
      const named = reference?.[1] === undefined ? undefined : eventPatterns()[reference[1]];
      if (reference?.[1] !== undefined && named !== undefined) rules.push({ id: reference[1], pattern: named });
      else if (isObject(properties.EventPattern))
        rules.push({ id: `resource:${logicalId}`, pattern: properties.EventPattern });
    }
  }
  return rules;
}
