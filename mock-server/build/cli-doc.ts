/**
 * docs/cli.md, generated from the command table (cli/commands.ts): each command's summary and its
 * `--help` text, as the command prints it, so that the page and the help cannot drift apart.
 */
import { COMMANDS } from '../cli/commands.js';
import { generatedHeader } from './generated-header.js';

export const CLI_DOC_FILE = 'docs/cli.md';

const INTRODUCTION = `# Command line

Installed as a dependency (\`npm install --save-dev alipay-gateway-sandbox\`), the package has a bin,
\`alipay-sandbox\` (also \`alipay-gateway-sandbox\`), which \`npx alipay-sandbox …\` runs; in a clone of this
repository \`npm start -- [options]\` runs \`serve\` from the build, and \`node dist/bin/alipay-sandbox.js …\`
any command. \`alipay-sandbox --help\` lists the commands, \`alipay-sandbox <command> --help\` prints what
each takes (the text below), \`--version\` the version; a bare \`alipay-sandbox\` prints the help and starts
nothing. A command line it cannot use is answered with the reason and the command's help, exit code 1
(\`smoke\`: 2).
`;

// The help texts are loaded once, when this module is: each command's module is loaded only when asked for.
const USAGES: Readonly<Record<string, string>> = Object.fromEntries(
  await Promise.all(Object.entries(COMMANDS).map(async ([name, command]) => [name, (await command.load()).usage] as const)),
);

function commandSection(name: string): string {
  return [`## ${name}`, '', `${COMMANDS[name]!.summary}.`, '', '```text', USAGES[name]!.trimEnd(), '```', ''].join('\n');
}

/** The whole page, `<!-- header -->` first. */
export function cliMarkdown(): string {
  const names = Object.keys(COMMANDS);
  return [
    `<!-- ${generatedHeader('npm run docs', import.meta.url)} -->`,
    INTRODUCTION,
    '| command | |',
    '|---|---|',
    ...names.map((name) => `| [\`${name}\`](#${name}) | ${COMMANDS[name]!.summary} |`),
    '',
    ...names.map(commandSection),
  ].join('\n');
}
