/**
 * The package as a user meets it: `npm pack` run in a copy of this checkout (so the tests' own dist/
 * is never touched under them), the tarball installed into a fresh project. Offline: the project's
 * lockfile is cut from ours, down to what the tarball's dependencies need, so npm resolves nothing
 * from the registry, takes every tarball from its cache and leaves nothing to prune.
 *
 * The copy holds the dist/ this test run built (build-once.ts, or `npm test`'s build): the prepack
 * script is that same `npm run build` (the test of the tarball checks so), and building it a second
 * time cost the suite 3.5 s of one worker and 5 s of CPU.
 *
 * Only the tarball is installed, with the dependencies it declares: that is what is under test. The
 * tools a test runs beside it (alipay-sdk, typescript, vitest) are links to ours: installing them
 * too unpacked another 80 MB (TypeScript's native compiler, vitest's bundler) and cost 3.5 s and
 * 4.5 CPU-s of the suite's longest file. A link resolves its own imports from our node_modules, but
 * what the project imports (the package and its dependencies) still resolves from the project only.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './cli-process.js';

interface LockEntry {
  version?: string;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  peer?: boolean;
  devOptional?: boolean;
  [field: string]: unknown;
}

interface OurManifest {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin: Record<string, string>;
  engines: Record<string, string>;
}

export interface InstalledPackage {
  /** The consumer project, with node_modules/alipay-gateway-sandbox installed from the tarball. */
  readonly project: string;
  readonly tarball: string;
  /** What the tarball holds, paths inside the package. */
  readonly files: readonly string[];
}

const npm = (args: readonly string[], cwd: string) => execFileSync('npm', [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

function packCopyOfCheckout(work: string): { tarball: string; files: string[] } {
  const copy = join(work, 'checkout');
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked) {
    try {
      cpSync(join(ROOT, file), join(copy, file));
    } catch {
      // Deleted in the work tree but not yet in git's index: not part of the checkout.
    }
  }
  // No node_modules in the copy: with scripts off, npm pack needs none, and one there costs it half
  // a second of CPU reading the tree (for bundled dependencies the package has none of).
  cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], copy)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: join(work, packed[0]!.filename), files: packed[0]!.files.map((f) => f.path) };
}

/** The registry's tarball address of node_modules/[@scope/]name at a version. */
function tarballUrl(registry: string, path: string, version: string): string {
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  return `${registry}${name}/-/${name.split('/').pop()}-${version}.tgz`;
}

/** The lock path where Node finds NAME from the package at FROM: its own node_modules, then each one above. */
function resolveFrom(packages: Readonly<Record<string, LockEntry>>, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    const path = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[path]) return path;
    if (!dir) return undefined;
  }
}

/** What a package pulls in: dependencies, optional ones, and the peers npm installs (those not marked optional). */
function requiredNames(entry: LockEntry): string[] {
  const peers = Object.keys(entry.peerDependencies ?? {}).filter((name) => !entry.peerDependenciesMeta?.[name]?.optional);
  return [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers];
}

/**
 * Our lock's entries that the package's own dependencies need, each where our tree has it. Our
 * dev tools are left out, so the install has nothing to prune and unpacks only what it keeps.
 */
function neededEntries(ours: Readonly<Record<string, LockEntry>>, root: LockEntry): Set<string> {
  const needed = new Set<string>();
  const visit = (from: string, entry: LockEntry) => {
    for (const name of requiredNames(entry)) {
      const path = resolveFrom(ours, from, name);
      if (path === undefined || needed.has(path)) continue;
      needed.add(path);
      visit(path, ours[path]!);
    }
  };
  visit('', root);
  return needed;
}

/** A lockfile for the consumer made of our own lock's entries that the tarball's dependencies need. */
function consumerLock(tarball: string, root: { dependencies: Record<string, string>; devDependencies: Record<string, string> }): object {
  const ours = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as OurManifest;
  const packages: Record<string, LockEntry> = {};
  const registry = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim().replace(/\/?$/, '/');
  const sandbox: LockEntry = {
    version: manifest.version,
    resolved: `file:${tarball}`,
    license: 'MIT',
    dependencies: manifest.dependencies,
    peerDependencies: manifest.peerDependencies,
    peerDependenciesMeta: manifest.peerDependenciesMeta,
    bin: manifest.bin,
    engines: manifest.engines,
  };
  for (const path of neededEntries(ours.packages, sandbox)) {
    const { dev: _dev, peer: _peer, devOptional: _devOptional, ...rest } = ours.packages[path]!;
    // Our lock names no tarball addresses; with one (and the integrity it has) npm takes the tarball
    // straight from its cache, and needs no package document it may never have fetched.
    packages[path] = rest.resolved || rest.link ? rest : { ...rest, resolved: tarballUrl(registry, path, rest.version!) };
  }
  packages['node_modules/alipay-gateway-sandbox'] = sandbox;
  return { name: 'consumer', lockfileVersion: 3, requires: true, packages: { '': { name: 'consumer', ...root }, ...packages } };
}

/**
 * Packs and installs, with the given packages of ours beside it (linked, at our versions): e.g.
 * alipay-sdk for a client, typescript and @types/node for a type check. Nothing else is there.
 */
export function installPackage(beside: readonly string[]): InstalledPackage {
  const work = mkdtempSync(join(tmpdir(), 'installed-sandbox-'));
  const { tarball, files } = packCopyOfCheckout(work);
  const project = join(work, 'consumer');
  mkdirSync(project);
  const root = { dependencies: { 'alipay-gateway-sandbox': `file:${tarball}` }, devDependencies: {} };
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', ...root }, null, 2));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock(tarball, root), null, 2));
  npm(['install'], project);
  for (const name of beside) linkOurs(name, project);
  return { project, tarball, files };
}

/**
 * node_modules/NAME in the project, a link to ours (after the install, which would replace it).
 * One the package's dependencies brought (msw brings @types/node) stays as installed.
 */
function linkOurs(name: string, project: string): void {
  const link = join(project, 'node_modules', name);
  if (existsSync(link)) return;
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
}
