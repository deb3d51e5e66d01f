/**
 * The commands of `alipay-sandbox`, each with its one-line summary and its module, which holds its
 * `usage` (the `--help` text) and its `run`. main.ts dispatches on this table, and docs/cli.md is
 * generated from it (`npm run docs`), so the help and the page say the same. A command's module is
 * loaded only when it runs, so that `serve` does not pay for faker or Pact, nor `--help` for Express.
 */
export interface CommandModule {
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

export interface Command {
  readonly summary: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: Readonly<Record<string, Command>> = {
  serve: { summary: 'serve gateway.do and the admin API on the embedded default', load: () => import('./serve-command.js') },
  keys: { summary: 'TEST-ONLY app key pairs, app certificates and CAs', load: () => import('./keys-command.js') },
  identities: { summary: 'print synthetic people (name, resident ID, mobile, user id) as JSON', load: () => import('./identities-command.js') },
  'verify-pacts': { summary: 'verify your pact files against a fresh sandbox (needs @pact-foundation/pact)', load: () => import('./verify-pacts-command.js') },
  doctor: { summary: "check a client's app id, keys, clock and charset against a running sandbox", load: () => import('./doctor-command.js') },
  smoke: { summary: 'smoke-check the contract against another gateway, e.g. Alipay\'s sandbox', load: () => import('../../client-harness/smoke-command.js') },
};
