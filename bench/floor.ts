import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');

/** What every function must hold to: at most 50 KiB over its floor, a cold import at most 1.2× the floor's. */
export const bundleTargets = { overFloorBytes: 50 * 1024, importRatio: 1.2 };

/** serverless-esbuild's own settings, which esbuild does not take. */
const pluginOnlyKeys = new Set(['exclude', 'packager', 'outputFileExtension', 'plugins', 'external', 'watch']);

/** The functions' esbuild options as both stacks give them to serverless-esbuild, plugins loaded. */
export async function esbuildOptions(): Promise<BuildOptions> {
  const settings = parse(readFileSync(join(root, 'deploy', 'esbuild.yml'), 'utf8')) as Record<string, unknown>;
  const options = Object.fromEntries(Object.entries(settings).filter(([key]) => !pluginOnlyKeys.has(key)));
  const pluginsFile = settings.plugins;
  const plugins =
    typeof pluginsFile === 'string' ? ((await import(join(root, pluginsFile))) as { default: Plugin[] }).default : [];
  return { ...options, sourcemap: false, logLevel: 'silent', plugins } as BuildOptions;
}

/** An SDK client package bundled into a function. */
export interface BundledClient {
  pkg: string;
  clientClass: string;
  commands: string[];
  /** The IAM service prefix its calls are granted under. */
  iamPrefix: string;
}

const iamPrefixes: Record<string, string> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-application-auto-scaling': 'application-autoscaling',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-acm': 'acm',
  '@aws-sdk/client-ec2': 'ec2',
};

/** The files that put code in the bundle: the metafile's inputs also list files read and then tree-shaken away. */
function contributingInputs(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  );
}

/**
 * Minified bytes of a bundle per origin: an npm package (`zod`, `@aws-sdk/client-ecs`) or a folder of ours
 * (`shared/tasks`), from esbuild's metafile.
 */
export function bytesByOrigin(metafile: Metafile): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [path, input] of Object.entries(output.inputs)) {
      const origin = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
      bytes.set(origin, (bytes.get(origin) ?? 0) + input.bytesInOutput);
    }
  return bytes;
}

/** The SDK clients and commands a bundle holds (from esbuild's metafile), and the source of their bare floor. */
export function sdkSurface(metafile: Metafile) {
  const clients = new Map<string, BundledClient>();
  for (const input of contributingInputs(metafile)) {
    const match =
      /node_modules\/(@aws-sdk\/client-[\w-]+)\/dist-(?:es|cjs)\/(?:commands\/(\w+Command)|(\w+Client))\.js$/.exec(
        input,
      );
    const pkg = match?.[1];
    if (!pkg) continue;
    const client = clients.get(pkg) ?? { pkg, clientClass: '', commands: [], iamPrefix: iamPrefixes[pkg] ?? pkg };
    if (match[2]) client.commands.push(match[2]);
    if (match[3]) client.clientClass = match[3];
    clients.set(pkg, client);
  }
  const list = [...clients.values()].filter((c) => c.clientClass !== '');
  // Aliased per client: two clients can both have e.g. a TagResourceCommand.
  const floorSource = [
    ...list.map(
      (c, i) =>
        `import { ${[c.clientClass, ...c.commands].map((name) => `${name} as c${i}_${name}`).join(', ')} } from '${c.pkg}';`,
    ),
    `export const clients = [${list.map((c, i) => `new c${i}_${c.clientClass}({})`).join(', ')}];`,
    `export const commands = [${list.flatMap((c, i) => c.commands.map((name) => `c${i}_${name}`)).join(', ')}];`,
  ].join('\n');
  return { clients: list, floorSource, grantedServices };
}

/**
 * Code a function must never carry: what validates the config at packaging (YAML, zod, RE2, the backtracking
 * checker). Functions parse their input with valibot (`input-schema.ts`); the config comes in already validated.
 */
const packagingOnlyCode: Record<string, RegExp> = {
  yaml: /node_modules\/yaml\//,
  zod: /node_modules\/zod\//,
  re2js: /node_modules\/re2js\//,
  recheck: /node_modules\/recheck\//,
};

/** The packaging-only code a bundle holds (from esbuild's metafile), by name. */
export function packagingOnlyIn(metafile: Metafile): string[] {
  const inputs = contributingInputs(metafile);
  return Object.entries(packagingOnlyCode)
    .filter(([, path]) => inputs.some((input) => path.test(input)))
    .map(([name]) => name);
}

/**
 * The IAM service prefixes a function's role is granted actions of: its role file (`deploy/roles/<function>.yml`),
 * and the state table's policy when that policy names the role.
 */
function grantedServices(directory: string): Set<string> {
  const role = readFileSync(join(root, 'deploy', 'roles', `${directory}.yml`), 'utf8');
  const services = new Set(
    [...role.matchAll(/(?:^\s*-|Action:)\s*([a-z0-9-]+):[A-Za-z*]+\s*$/gm)].map((m) => m[1] as string),
  );
  // Statements computed at packaging (`${file(./deploy/roles/<name>.cjs)}`) name their actions as quoted strings.
  for (const [, computed] of role.matchAll(/\$\{file\(\.\/(deploy\/roles\/[\w-]+\.cjs)\)\}/g)) {
    const text = readFileSync(join(root, computed as string), 'utf8');
    for (const m of text.matchAll(/['"]([a-z0-9-]+):[A-Z][A-Za-z]+['"]/g)) services.add(m[1] as string);
  }
  const roleId = /^Resources:\s*\n(?:\s*#.*\n)*\s+(\w+):/.exec(role)?.[1];
  const stateAccess = readFileSync(join(root, 'deploy', 'resources', 'state.yml'), 'utf8');
  if (roleId && new RegExp(`Ref: ${roleId}\\b`).test(stateAccess)) services.add('dynamodb');
  return services;
}

/** A bundle written where a fresh Node process can import it. */
export interface BuiltBundle {
  file: string;
  bytes: number;
  code: Uint8Array;
}

export function writeBundle(name: string, code: Uint8Array | undefined): BuiltBundle {
  if (!code) throw new Error(`esbuild produced no output for ${name}`);
  const dir = join(root, 'node_modules', '.cache', 'ecs-autopilot-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  return { file, bytes: code.byteLength, code };
}

/** The environment a function's module scope reads at cold start. */
const coldStartEnv = {
  ...process.env,
  ALERT_OUTBOX_URL: 'http://127.0.0.1:1/queue',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:bench',
  ALERT_FLUSH_QUEUE_URL: 'http://127.0.0.1:1/flush',
  SLACK_WEBHOOK_URL_PARAMETER: '/bench/slack-webhook-url',
  STATE_TABLE_NAME: 'bench-state',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

/** Wall time of importing the bundle in one fresh Node process (what a cold start pays), in ms. */
export function coldImportMs(file: string): number {
  const script = `const t=performance.now(); await import(${JSON.stringify(`file://${file}`)}); process.stdout.write(String(performance.now()-t));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: coldStartEnv,
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
  return Number.parseFloat(child.stdout);
}
