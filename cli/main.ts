import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError, loadConfigFile } from '#shared/config/load.js';
import { configJsonSchema } from '#shared/config/schema.js';
import { lambdaContext, type ReplayHandler, replayFunctions } from './replay.js';

const program = new Command()
  .name('ecs-autopilot')
  .description('Automation for Amazon ECS services behind Application Load Balancers.')
  .showHelpAfterError();

program
  .command('replay')
  .description("Replay an event file through a function's real handler, against AWS or a local emulator.")
  .argument('<event-file>', 'JSON file holding one EventBridge event (see events/)')
  .addOption(
    new Option('-f, --function <name>', 'the function whose handler receives the event')
      .choices(Object.keys(replayFunctions))
      .default('task-state-change'),
  )
  .option('--dry-run', 'plan and report, mutate nothing (sets AUTOPILOT_DRY_RUN=true)')
  .option('-c, --config <file>', 'config file', 'ecs-autopilot.yml')
  .option('--endpoint <url>', 'AWS endpoint, e.g. a local moto server (sets AWS_ENDPOINT_URL)')
  .option('--outbox-url <url>', 'alert outbox queue URL (sets ALERT_OUTBOX_URL)')
  .action(
    async (
      eventFile: string,
      options: { function: string; dryRun?: boolean; config: string; endpoint?: string; outboxUrl?: string },
    ) => {
      let event: unknown;
      try {
        event = JSON.parse(readFileSync(eventFile, 'utf8'));
      } catch (error) {
        program.error(`cannot read ${eventFile}: ${(error as Error).message}`);
      }
      process.env.AUTOPILOT_CONFIG_FILE = resolve(options.config);
      if (options.dryRun) process.env.AUTOPILOT_DRY_RUN = 'true';
      if (options.endpoint) process.env.AWS_ENDPOINT_URL = options.endpoint;
      if (options.outboxUrl) process.env.ALERT_OUTBOX_URL = options.outboxUrl;
      const load = replayFunctions[options.function as keyof typeof replayFunctions];
      try {
        const handler = (await load()).handler as ReplayHandler;
        const result = await handler(event as never, lambdaContext(options.function));
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } catch (error) {
        // The function's own errors (config, environment, event shape, AWS) are the message; the stack is noise here.
        process.stderr.write(`replay through ${options.function} failed: ${(error as Error).message}\n`);
        process.exitCode = 1;
      }
    },
  );

const config = program.command('config').description('Work with the config file.');

config
  .command('validate')
  .description('Check a config file against the schema; every bad field is listed with its path.')
  .argument('[file]', 'config file', 'ecs-autopilot.yml')
  .action((file: string) => {
    try {
      const parsed = loadConfigFile(file);
      const services = parsed.clusters.reduce((n, c) => n + c.services.length, 0);
      process.stdout.write(
        `${file}: valid (${parsed.clusters.length} cluster(s), ${services} service entr${services === 1 ? 'y' : 'ies'}${parsed.dryRun ? ', dry run' : ''})\n`,
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    }
  });

config
  .command('schema')
  .description('Print the JSON Schema of the config file (config/ecs-autopilot.schema.json is this output).')
  .action(() => {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });

await program.parseAsync();
