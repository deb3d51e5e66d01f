/**
 * The programs outside Node that some tests drive: Chromium, redis-server, strace, openssl and curl. Each is found
 * here, once, and nowhere else, so that a machine with Node and nothing more runs `npm test` to the
 * end: a test that needs a missing tool is tagged with the tool's name, and vitest.config.ts turns the
 * tag into a skip; the run ends with one line per missing tool saying what to install
 * (missing-tools-reporter.ts). With CI=true nothing is skipped: the tests run, and fail for the tool
 * that .ci/run should have installed.
 *
 * TEST_TOOLS_PATH, when set, is searched instead of PATH (a way to try the suite as a machine without
 * these tools sees it, while npm and node stay on PATH).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export type ToolName = 'chromium' | 'redis-server' | 'strace' | 'openssl' | 'curl';

interface ToolSpec {
  /** How the summary line names it. */
  readonly title: string;
  /** An environment variable naming the program itself, taken before any search. */
  readonly pathVariable?: string;
  /** The names looked for on the search path, in order of preference. */
  readonly commands: readonly string[];
  readonly install: string;
  /** A trial run: why the program found cannot serve here, or undefined. */
  readonly unusable?: (path: string) => string | undefined;
}

const TOOLS: Readonly<Record<ToolName, ToolSpec>> = {
  // Debian's headless shell first: the same Blink and V8 as its full browser at half the CPU
  // (browser.ts); then any Chromium or Chrome.
  chromium: {
    title: 'Chromium',
    pathVariable: 'CHROMIUM_PATH',
    commands: ['chromium-headless-shell', 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'],
    install: 'apt-get install chromium-headless-shell (or chromium), or set CHROMIUM_PATH to any Chromium or Chrome',
  },
  'redis-server': { title: 'redis-server', commands: ['redis-server'], install: 'apt-get install redis-server' },
  strace: {
    title: 'strace',
    commands: ['strace'],
    install: 'apt-get install strace',
    // A container may forbid ptrace: installed is not enough.
    unusable: (path) => (spawnSync(path, ['-f', '-qq', '-e', 'trace=none', '-o', '/dev/null', 'true']).status === 0 ? undefined : 'it cannot trace here (ptrace is not permitted)'),
  },
  // A slim image has neither: the certificate tests make an EC certificate with openssl, and the
  // docs' CI recipes wait for the sandbox with curl.
  openssl: { title: 'openssl', commands: ['openssl'], install: 'apt-get install openssl' },
  curl: { title: 'curl', commands: ['curl'], install: 'apt-get install curl' },
};

export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];

export type ToolLookup = { readonly found: true; readonly path: string } | { readonly found: false; readonly why: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Where `name`'s program is, looked up as the environment `env` says (the process's by default). */
export function lookUpTool(name: ToolName, env: NodeJS.ProcessEnv = process.env): ToolLookup {
  const spec = TOOLS[name];
  const named = spec.pathVariable ? env[spec.pathVariable] : undefined;
  let path: string | undefined;
  if (named) {
    if (!executable(named)) return { found: false, why: `${spec.pathVariable}=${named} is not an executable file` };
    path = named;
  } else {
    const dirs = (env.TEST_TOOLS_PATH ?? env.PATH ?? '').split(delimiter).filter(Boolean);
    path = spec.commands.flatMap((command) => dirs.map((dir) => join(dir, command))).find(executable);
    if (!path) return { found: false, why: `no ${spec.commands.join(', ')} on ${env.TEST_TOOLS_PATH === undefined ? 'PATH' : 'TEST_TOOLS_PATH'}` };
  }
  const why = spec.unusable?.(path);
  return why ? { found: false, why: `${path}: ${why}` } : { found: true, path };
}

const lookups = new Map<ToolName, ToolLookup>();

/** This process's lookup of `name`, made once. */
export function tool(name: ToolName): ToolLookup {
  let lookup = lookups.get(name);
  if (!lookup) lookups.set(name, (lookup = lookUpTool(name)));
  return lookup;
}

export const IN_CI = process.env.CI === 'true';

/** Whether the tests tagged `name` are skipped here: the tool is missing and this is no CI run. */
export const skipsTool = (name: ToolName): boolean => !IN_CI && !tool(name).found;

/** The program's path; where it is missing, an error saying what to install (in CI, where nothing skips, the test's failure). */
export function toolPath(name: ToolName): string {
  const lookup = tool(name);
  if (lookup.found) return lookup.path;
  throw new Error(`${TOOLS[name].title} is missing (${lookup.why}): ${TOOLS[name].install}`);
}

/** A program installed beside `name`'s (redis-cli beside redis-server), or the bare command. */
export function besideTool(name: ToolName, command: string): string {
  const sibling = join(dirname(toolPath(name)), command);
  return executable(sibling) ? sibling : command;
}

/** The summary line for a missing tool and the tests tagged with it. */
export function missingToolLine(name: ToolName, tests: number): string {
  const lookup = tool(name);
  const why = lookup.found ? '' : ` (${lookup.why})`;
  const spec = TOOLS[name];
  const counted = tests === 1 ? '1 test that needs it' : `${tests} tests that need it`;
  return IN_CI
    ? `${spec.title} is missing${why}, and CI=true skips nothing: ${counted} ran without it; ${spec.install}`
    : `${spec.title} is missing${why}: ${counted} ${tests === 1 ? 'was' : 'were'} skipped; to run ${tests === 1 ? 'it' : 'them'}, ${spec.install}`;
}
