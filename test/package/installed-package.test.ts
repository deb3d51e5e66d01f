/**
 * The package from outside, as a new user meets it: `npm pack`, the tarball installed into a fresh
 * project (offline, from the npm cache), then plain Node (ESM and CommonJS), the bin through npx, a
 * strict TypeScript consumer, the docs' vitest global set-up and their CI jobs' commands.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { consumerFile } from '../docs/doc-pages.js';
import { ROOT, servedUrl } from '../support/cli-process.js';
import { installPackage, type InstalledPackage } from '../support/installed-package.js';
import { startRedis } from '../support/redis-server.js';
import { spareKeyPairPem } from '../support/spare-app-keys.js';
import { removeInBackground } from '../support/temp-dirs.js';

const INIT_BIZ_CONTENT = {
  outer_order_no: 'PACKAGE0001',
  biz_code: 'FACE',
  identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}',
  merchant_config: '{"return_url":"https://merchant.example/return"}',
};

let installed: InstalledPackage;
const started: ChildProcess[] = [];

beforeAll(() => {
  installed = installPackage(['alipay-sdk', 'typescript', '@types/node', 'vitest']);
}, 180_000);

afterAll(() => {
  // Each started in its own process group: the group takes npx and the sandbox under it.
  for (const child of started) if (child.pid) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  if (installed) removeInBackground(dirname(installed.project));
});

interface ProjectRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
}

/**
 * Runs a command in the consumer project; never hangs past the timeout. Without blocking this worker:
 * the file's tests run side by side (each describe is concurrent), so that its many child processes
 * (npm, tsc, node, vitest, npx) overlap instead of making it the suite's longest file by far.
 */
function inProject(command: string, args: readonly string[], env: Readonly<Record<string, string>> = {}, timeout = 60_000): Promise<ProjectRun> {
  return new Promise((done) => {
    execFile(command, args, { cwd: installed.project, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      done({ status, stdout, stderr, output: `${stdout}${stderr}` });
    });
  });
}

/** Each describe's tests run side by side, each with time for a busy machine's child processes. */
const SIDE_BY_SIDE = { concurrent: true, timeout: 120_000 } as const;

function write(file: string, text: string): string {
  const path = join(installed.project, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Every package folder under a node_modules, nested ones too; links (the tools of ours beside the package) are not followed. */
function installedPackagePaths(nodeModules: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const folders = entry.name.startsWith('@') ? readdirSync(join(nodeModules, entry.name), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${entry.name}/${e.name}`) : [entry.name];
    for (const folder of folders) {
      const path = join(nodeModules, folder);
      found.push(path);
      if (existsSync(join(path, 'node_modules'))) found.push(...installedPackagePaths(join(path, 'node_modules')));
    }
  }
  return found;
}

/** A shell line run the way CI runs it: bash, in the project, in its own process group. */
function shell(line: string, env: Readonly<Record<string, string>>): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', ['-c', line], { cwd: installed.project, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}

describe('the packed tarball', SIDE_BY_SIDE, () => {
  it('holds the build, the test-only keys and certificates, the scenarios, README and LICENSE, and nothing else', () => {
    const files = installed.files;
    for (const expected of ['LICENSE', 'README.md', 'package.json', 'dist/mock-server/index.js', 'dist/mock-server/index.d.ts', 'dist/mock-server/index.js.map', 'dist/bin/alipay-sandbox.js', 'fixtures/keys/default-app.private-key.pkcs1.pem', 'fixtures/keys/README.md', 'fixtures/certs/alipayRootCert.crt', 'fixtures/identities/fixture-people.json', 'scenarios/scenario.schema.json', 'scenarios/gateway-outage.yaml', 'dist/console/console.js', 'dist/console/console.css', 'docs/getting-started/node.md']) {
      expect(files).toContain(expected);
    }
    // fixtures/identities/README.md is the fixture people's header (a JSON array holds none); npm packs a folder's README.
    const allowed = /^(LICENSE|README\.md|package\.json|dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)|dist\/console\/console\.css|fixtures\/(keys|certs)\/[^/]+|fixtures\/identities\/(fixture-people\.json|README\.md)|scenarios\/.+\.(yaml|json|md)|docs\/.+\.(md|png))$/;
    expect(files.filter((file) => !allowed.test(file))).toEqual([]);
    expect(files.filter((file) => /(^|\/)(test|\.ci)\/|\.test\.|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    // The build and generation scripts run in this checkout only; nothing of them is compiled into the package.
    expect(files.filter((file) => file.startsWith('dist/mock-server/build/'))).toEqual([]);
  });

  it('has the build as its prepack script, so that npm pack and a publish build what this tarball holds', () => {
    // The tarball here is packed from this run's build (support/installed-package.ts); a publish builds through prepack.
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.prepack).toBe('npm run build');
    expect(manifest.scripts.build).toBe('tsx mock-server/build/build-package.ts');
    // ... which starts from an empty folder that then replaces dist/ whole, so that nothing a former
    // build left is packed (test/cli/serve-command.test.ts replaces a dist/ as the build does).
    const build = readFileSync(join(ROOT, 'mock-server/build/build-package.ts'), 'utf8');
    expect(build.indexOf('rmSync(packagePath(STAGING_DIR)')).toBeGreaterThan(0);
    expect(build.indexOf('rmSync(packagePath(STAGING_DIR)')).toBeLessThan(build.indexOf('await '));
    expect(build).toContain("replaceDist(packagePath(STAGING_DIR), packagePath('dist'))");
  });

  it('has its bin as one bundle: serve loads its chunks, never the package\'s modules or dependencies one by one', () => {
    const installedRoot = join(installed.project, 'node_modules', 'alipay-gateway-sandbox');
    const binFiles = installed.files.filter((file) => file.startsWith('dist/bin/') && file.endsWith('.js'));
    expect(binFiles.length).toBeGreaterThan(1);
    const imported = new Set<string>();
    for (const file of binFiles) {
      // Without block comments: bundled dependencies name modules in their JSDoc (`import('./get')`).
      const text = readFileSync(join(installedRoot, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      for (const [, specifier] of text.matchAll(/^\s*(?:import|export)\b[^'"]*?["']([^"']+)["'];?$/gm)) imported.add(specifier!);
      for (const [, specifier] of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) imported.add(specifier!);
    }
    expect(imported).toContain('node:module');
    const outside = [...imported].filter((specifier) => !specifier.startsWith('node:') && !/^\.\.?\/(chunks\/)?[\w-]+\.js$/.test(specifier));
    // Only what a plain serve never loads stays outside the bundle (mock-server/build/build-cli.ts says why).
    expect(outside.sort()).toEqual(['@faker-js/faker', '@pact-foundation/pact', '@redis/client']);
  });
});

describe('plain node', SIDE_BY_SIDE, () => {
  it('an ESM script starts the sandbox, calls it with alipay-sdk (validateSign), closes, and exits by itself', async () => {
    write('esm-client.mjs', `import { startSandbox } from 'alipay-gateway-sandbox';
import { AlipaySdk } from 'alipay-sdk';

const sandbox = await startSandbox({ port: 0, inMemory: true, quiet: true });
const alipay = new AlipaySdk({
  appId: sandbox.defaultApp.appId,
  privateKey: sandbox.defaultApp.privateKeyPem,
  alipayPublicKey: sandbox.alipayPublicKeyPem,
  gateway: sandbox.gatewayUrl,
});
const result = await alipay.exec('alipay.user.certify.open.initialize', { bizContent: ${JSON.stringify(INIT_BIZ_CONTENT)} }, { validateSign: true });
console.log(result.code, result.certifyId);
await sandbox.close();
`);
    const run = await inProject(process.execPath, ['esm-client.mjs'], {}, 30_000);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^10000 [0-9a-f]{32}\n$/);
  });

  it('CommonJS require()s every entry point on this Node (require of ES modules)', async () => {
    write('cjs-client.cjs', `const { startSandbox } = require('alipay-gateway-sandbox');
const { createMswSandbox } = require('alipay-gateway-sandbox/msw');
const { createMockAgentSandbox } = require('alipay-gateway-sandbox/undici');
const { AlipayClient } = require('alipay-gateway-sandbox/client');
(async () => {
  const sandbox = await startSandbox({ port: 0, inMemory: true, quiet: true });
  const client = new AlipayClient({ gateway: sandbox.gatewayUrl, appId: sandbox.defaultApp.appId, privateKey: sandbox.defaultApp.privateKeyPem, alipayPublicKey: sandbox.alipayPublicKeyPem });
  const started = await client.call('alipay.user.certify.open.initialize', ${JSON.stringify(INIT_BIZ_CONTENT)});
  console.log(typeof createMswSandbox, typeof createMockAgentSandbox, started.certify_id.length);
  await sandbox.close();
})();
`);
    const run = await inProject(process.execPath, ['--no-warnings', 'cjs-client.cjs'], {}, 30_000);
    expect(run.output).toBe('function function 32\n');
    expect(run.status).toBe(0);
  });
});

describe('the bin', SIDE_BY_SIDE, () => {
  it('npx alipay-sandbox serve --port 0 prints the gateway URL and answers', async () => {
    const child = spawn('npx', ['--no', '--', 'alipay-sandbox', 'serve', '--port', '0', '--in-memory'], { cwd: installed.project, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    const gateway = await new Promise<string>((done, fail) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /gateway\s+(http:\/\/\S+\/gateway\.do)/.exec(output);
        if (match) done(match[1]!);
      });
      child.once('exit', (code) => fail(new Error(`serve exited with ${code}: ${output}`)));
    });
    expect(gateway).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gateway\.do$/);
    const health = await fetch(new URL('/__admin/health', gateway));
    expect(await health.json()).toMatchObject({ status: 'ok' });
    // An unsigned call gets Alipay's documented refusal, not a 404: it is the gateway that answers.
    const answer = await (await fetch(`${gateway}?method=zhima.auth.info.authquery`)).text();
    expect(answer).toContain('"error_response"');
    expect(answer).toContain('isv.missing-app-id');
    // The web console, from the installed package's own files: / leads to it, its bundle is there.
    const root = await fetch(new URL('/', gateway));
    expect(await root.text()).toContain('<script type="module" src="/__admin/ui/console.js">');
    const bundle = await fetch(new URL('/__admin/ui/console.js', gateway));
    expect([bundle.status, bundle.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
  });

  it('alipay-sandbox serve --store redis://… keeps a registered app in Redis (the client is a dependency, not ours)', { tags: ['redis-server'] }, async () => {
    const redis = await startRedis();
    try {
      // The installed bin itself, what npx runs (the test above runs it through npx), without npx's half a CPU-second.
      const child = spawn(join(installed.project, 'node_modules/.bin/alipay-sandbox'), ['serve', '--port', '0', '--quiet', '--store', redis.url], { cwd: installed.project, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      started.push(child);
      const url = await servedUrl(child);
      const { publicKey } = spareKeyPairPem('pkcs8');
      const registered = await fetch(`${url}/__admin/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_id: '2021000000009001', public_key: publicKey }) });
      expect(registered.status).toBe(201);
      expect(redis.cli('HEXISTS', 'alipay-sandbox:apps', '2021000000009001')).toBe('1');
    } finally {
      await redis.stop();
    }
  });

  it('--version, --help for every command, and a bare command prints help and starts nothing', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    // The installed bin itself (what npx runs, as the serve tests above show), without npx's own 0.5 s per call.
    const bin = join(installed.project, 'node_modules/.bin/alipay-sandbox');
    expect((await inProject(bin, ['--version'])).stdout).toBe(`${manifest.version}\n`);
    const commands = ['serve', 'keys', 'identities', 'verify-pacts', 'smoke'];
    const runs = await Promise.all(commands.map((command) => inProject(bin, [command, '--help'])));
    for (const [i, command] of commands.entries()) {
      expect(runs[i]!.status, command).toBe(0);
      expect(runs[i]!.stdout, command).toContain(`usage: alipay-sandbox ${command}`);
    }
    const bare = await inProject(join(installed.project, 'node_modules/.bin/alipay-gateway-sandbox'), [], {}, 10_000);
    expect(bare.status).toBe(1);
    expect(bare.stdout).toContain('usage: alipay-sandbox <command>');
    expect(bare.stdout).not.toContain('listening');
  });

  it('verify-pacts names the optional peer dependency it needs when Pact is not installed', async () => {
    const pact = write('pacts/empty.json', '{}');
    const run = await inProject(join(installed.project, 'node_modules/.bin/alipay-sandbox'), ['verify-pacts', pact]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('verify-pacts needs @pact-foundation/pact');
    expect(run.stderr).toContain('npm install --save-dev @pact-foundation/pact');
  });
});

describe('a strict TypeScript consumer, with nothing but typescript and @types/node beside the package', SIDE_BY_SIDE, () => {
  const source = `import { ALIPAY_GATEWAYS, createSandboxCore, ScenarioLoadError, startSandbox, type JournalEntry, type RunningSandbox, type SandboxOptions } from 'alipay-gateway-sandbox';
import { alipayHandlers, createMswSandbox, type MswSandbox } from 'alipay-gateway-sandbox/msw';
import { createMockAgentSandbox, interceptAlipayHosts, type MockAgentSandbox } from 'alipay-gateway-sandbox/undici';
import { AlipayApiError, AlipayClient } from 'alipay-gateway-sandbox/client';

const options: SandboxOptions = { port: 0, inMemory: true, scenario: { rules: [] } };

export async function certifyId(): Promise<string> {
  const sandbox: RunningSandbox = await startSandbox(options);
  const journal: JournalEntry[] = sandbox.requests({ method: 'zhima.auth.info.authquery' });
  const client = new AlipayClient({ gateway: sandbox.gatewayUrl, appId: sandbox.defaultApp.appId, privateKey: sandbox.defaultApp.privateKeyPem, alipayPublicKey: sandbox.alipayPublicKeyPem });
  try {
    const started = await client.call('alipay.user.certify.open.initialize', ${JSON.stringify(INIT_BIZ_CONTENT)});
    return started.certify_id + String(journal.length);
  } catch (error) {
    if (error instanceof AlipayApiError) return error.subCode ?? error.code;
    throw error;
  } finally {
    await sandbox.close();
  }
}

export async function inProcess(): Promise<number> {
  const msw: MswSandbox = await createMswSandbox();
  const agent: MockAgentSandbox = await createMockAgentSandbox();
  const interception = interceptAlipayHosts(agent);
  await interception.restore();
  const core = await createSandboxCore({ inMemory: true });
  return msw.handlers.length + alipayHandlers(core).length + ALIPAY_GATEWAYS.length + (new ScenarioLoadError('a', 'b', 'c').message.length);
}
`;
  const compilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    target: 'es2022',
    types: ['node'],
    noEmit: true,
  };

  for (const [resolution, settings] of [
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'preserve', moduleResolution: 'bundler' }],
  ] as const) {
    it(`type-checks an import of every entry point under module resolution ${resolution}`, async () => {
      write(`strict-${resolution}/consumer.ts`, source);
      write(`strict-${resolution}/tsconfig.json`, JSON.stringify({ compilerOptions: { ...compilerOptions, ...settings }, files: ['consumer.ts'] }));
      // One checker thread: the same diagnostics, for a fifth less CPU than the parallel checkers on a small program.
      const run = await inProject(process.execPath, [join(installed.project, 'node_modules/typescript/bin/tsc'), '--singleThreaded', '-p', `strict-${resolution}`]);
      expect(run.output).toBe('');
      expect(run.status).toBe(0);
    });
  }

  it('has no type of ours that needs a devDependency of ours (express, node-forge types)', () => {
    // The type checks above passed without them: they are nowhere in the installed tree (what
    // `npm ls` would say, without its second of CPU; the linked tools of ours are not walked into).
    const paths = installedPackagePaths(join(installed.project, 'node_modules'));
    // The walk sees the package's dependencies, scoped ones included ...
    expect(paths).toEqual(expect.arrayContaining(['ajv', '@faker-js/faker'].map((name) => join(installed.project, 'node_modules', name))));
    // ... and no devDependency's types.
    expect(paths.filter((path) => /@types\/(express|node-forge)$/.test(path))).toEqual([]);
  });
});

describe('the docs\' recipes, run in the installed project', SIDE_BY_SIDE, () => {
  it('the vitest global set-up starts one sandbox, hands it to the tests and stops it', async () => {
    for (const file of ['vitest.config.ts', 'alipay-sandbox.global-setup.ts', 'authorization.test.ts']) write(file, consumerFile(file));
    const run = await inProject(process.execPath, [join(installed.project, 'node_modules/vitest/vitest.mjs'), 'run', '--root', installed.project], { CI: 'true' }, 60_000);
    expect(run.output).toContain('1 passed');
    expect(run.status).toBe(0);
  });

  it('the GitHub Actions job\'s start and wait commands bring up a sandbox that answers', { tags: ['curl'] }, async () => {
    const job = (parseYaml(consumerFile('.github/workflows/integration.yml')) as { jobs: { integration: { env: Record<string, string | boolean | number>; steps: Array<{ name?: string; run?: string }> } } }).jobs.integration;
    const step = (name: string) => job.steps.find((s) => s.name === name)!.run!;
    const env = { ...Object.fromEntries(Object.entries(job.env).map(([k, v]) => [k, String(v)])), ALIPAY_SANDBOX_PORT: String(await freePort()) };
    await shell(step('Start the Alipay sandbox'), env);
    const waited = await shell(step('Wait for the Alipay sandbox'), env);
    expect(waited.output).toContain('{"status":"ok"');
    expect(waited.code).toBe(0);
  });

  it('the GitLab CI job\'s before_script brings up a sandbox that answers', { tags: ['curl'] }, async () => {
    const job = (parseYaml(consumerFile('.gitlab-ci.yml')) as { integration: { variables: Record<string, string>; before_script: string[] } }).integration;
    const env = { ...job.variables, ALIPAY_SANDBOX_PORT: String(await freePort()) };
    // npm ci has been done: the project installed the tarball.
    const lines = job.before_script.filter((line) => line !== 'npm ci');
    expect(lines).toHaveLength(2);
    // One shell, as GitLab runs before_script.
    const run = await shell(lines.join('\n'), env);
    expect(run.output).toContain('{"status":"ok"');
    expect(run.code).toBe(0);
  });
});
