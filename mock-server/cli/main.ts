#!/usr/bin/env node
/**
 * The sandbox's command line, `alipay-sandbox` (also `alipay-gateway-sandbox`): a subcommand, each with
 * its own `--help`, from the table in commands.ts.
 */
import { readFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { packagePath } from '../package-root.js';
import { COMMANDS } from './commands.js';
import { UsageError } from './usage-error.js';

// V8's code cache for the modules a command loads, kept between runs where Node has one (22.1 and
// later; Node 20 goes on without): a start then reads their compiled code instead of compiling it.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

function version(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'usage: alipay-sandbox <command> [options]',
    '',
    'A local stand-in for Alipay\'s OpenAPI gateway (gateway.do) for the identity-verification APIs.',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'alipay-sandbox <command> --help   what a command takes',
    'alipay-sandbox --version          the version',
    '',
  ].join('\n');
}

const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');

function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || Boolean((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'));
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    // A bare command prints help rather than quietly starting a server.
    process.stdout.write(help());
    return 1;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const about = args[0] === undefined ? undefined : COMMANDS[args[0]];
    process.stdout.write(about ? (await about.load()).usage : help());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`alipay-sandbox: unknown command "${name}"\n\n${help()}`);
    return 1;
  }
  const module = await command.load();
  if (wantsHelp(args)) {
    process.stdout.write(module.usage);
    return 0;
  }
  try {
    return await module.run([...args]);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    process.stderr.write(`${(error as Error).message}\n\n${module.usage}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  // Pact's native core and the signing workers may hold handles open; the verdict is in, so leave.
  (code) => process.exit(code),
  (error: unknown) => {
    const { name, message } = error as Error;
    process.stderr.write(`alipay-sandbox: ${name === 'ScenarioLoadError' ? 'the scenario is broken: ' : ''}${message}\n`);
    process.exit(1);
  },
);
