import { Console } from 'node:console';
import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError, loadConfigFile } from '#shared/config/load.js';
import { configJsonSchema } from '#shared/config/schema.js';
import { addAuditCommand } from './audit.js';
import { registerCanaryCommands } from './canary.js';
import { unknownCommandIn } from './commands.js';
import { EXIT, exitCodeOf, RefusedError, reportError, UsageError } from './exit.js';
import { type GlobalOptions, printResult } from './output.js';
import { addReplayCommand } from './replay-command.js';

// Results own stdout: the functions' logs (Powertools writes through the global console in dev mode) go to stderr.
process.env.POWERTOOLS_DEV ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= process.argv.includes('--debug') ? 'DEBUG' : 'WARN';
globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command()
  .name('ecs-autopilot')
  .description('Automation for Amazon ECS services behind Application Load Balancers.')
  .version(version, '-V, --version', 'print the version')
  .option('--json', 'print results as JSON (machine-readable)')
  .option('--account <id>', "the account to act in, listed under accounts in the config (default: the caller's own)")
  .option('--region <region>', 'AWS region to act in (without --account, sets AWS_REGION)')
  .option('--profile <name>', 'AWS profile of the shared config and credentials files (sets AWS_PROFILE)')
  .option('--debug', 'log at debug level and print stack traces of failures')
  .showHelpAfterError()
  .showSuggestionAfterError()
  .exitOverride()
  .addHelpText(
    'after',
    '\nExit codes: 0 done, 1 failure, 2 usage error, 3 refused (invalid config or event, event not acted on), 4 audit findings at or above --fail-on.',
  )
  .hook('preAction', (_root, action) => {
    const { region, profile, account } = action.optsWithGlobals<GlobalOptions>();
    // With --account, --region names the member's region: the state table and the outbox stay in the caller's.
    if (region && !account) process.env.AWS_REGION = region;
    if (profile) process.env.AWS_PROFILE = profile;
  });

addReplayCommand(program);
registerCanaryCommands(program);
addAuditCommand(program);

const config = program.command('config').description('Work with the config file.');

config
  .command('validate')
  .description('Check a config file against the schema; every bad field is listed with its path.')
  .argument('[file]', 'config file', 'ecs-autopilot.yml')
  .action((file: string, _options: unknown, command: Command) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    if (!existsSync(file)) throw new UsageError(`no such config file: ${file}`);
    try {
      const parsed = loadConfigFile(file);
      const services = parsed.clusters.reduce((n, c) => n + c.services.length, 0);
      const summary = { file, valid: true, clusters: parsed.clusters.length, serviceEntries: services };
      printResult(
        globals,
        { ...summary, alarmRules: parsed.alarms.length, canaries: parsed.canaries.length, dryRun: parsed.dryRun },
        () =>
          `${file}: valid (${parsed.clusters.length} cluster(s), ${services} service entr${services === 1 ? 'y' : 'ies'}, ${parsed.alarms.length} alarm rule(s), ${parsed.canaries.length} canar${parsed.canaries.length === 1 ? 'y' : 'ies'}${parsed.dryRun ? ', dry run' : ''})`,
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (globals.json) printResult(globals, { file, valid: false, problems: error.problems }, () => '');
      throw new RefusedError(error.message, { cause: error });
    }
  });

config
  .command('schema')
  .description('Print the JSON Schema of the config file (config/ecs-autopilot.schema.json is this output).')
  .action(() => {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });

const args = process.argv.slice(2);
try {
  const unknown = unknownCommandIn(program, args);
  if (unknown !== undefined) {
    program.error(`error: unknown command '${unknown}' (see ecs-autopilot --help)`, {
      exitCode: EXIT.usage,
      code: 'commander.unknownCommand',
    });
  }
  await program.parseAsync();
} catch (error) {
  reportError(error, args.includes('--debug'));
  process.exitCode = exitCodeOf(error);
}
