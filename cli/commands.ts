import type { Command } from 'commander';

/**
 * The first word of the command line that names no command where one is expected, walking the command tree with
 * each command's own options (skipping their values). Commander shows the root help for `unknown --help` and exits 0;
 * the CLI calls that a usage error instead.
 */
export function unknownCommandIn(program: Command, args: readonly string[]): string | undefined {
  let command = program;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return undefined;
    if (arg.startsWith('-')) {
      const flag = arg.split('=')[0];
      const option = [...command.options, ...program.options].find((o) => o.long === flag || o.short === flag);
      if (option && (option.required || option.optional) && !arg.includes('=')) i++;
      continue;
    }
    if (command.commands.length === 0 || arg === 'help') return undefined;
    const next = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!next) return arg;
    command = next;
  }
  return undefined;
}
