/**
 * The layers as the import graph shows them: no import circles (type imports count: a circle of types
 * is still two modules that cannot be read apart), no folder importing one above it, and the contract
 * kit (contracts/, client-harness/) using the package only through its public entry points, as an
 * integrator's code would.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli-process.js';

const SOURCE_FOLDERS = ['mock-server', 'client-harness', 'contracts', 'fixtures'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** file → the files it imports (relative imports, static and dynamic), all relative to the root. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)))) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from\s+|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((match) => relative(ROOT, resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'))));
    graph.set(relative(ROOT, file), targets);
  }
  return graph;
}

/** The strongly connected components of more than one file (Tarjan's algorithm): each is a circle. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of (graph.get(file) ?? []).filter((t) => graph.has(t))) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

/**
 * The layers, lowest first: the platform-neutral core; the platform's parts (storage, keys, shipped
 * files, replicas, the Node assembly); the adapters (HTTP, console, msw, undici, the running server and
 * the package's entry); the command line and the build. A file imports only its own layer or lower.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['mock-server/core/'],
  ['mock-server/apps/', 'mock-server/storage/', 'mock-server/files/', 'mock-server/keys/', 'mock-server/replicas/', 'mock-server/package-root.ts', 'mock-server/sandbox-assembly.ts', 'mock-server/sandbox-core.ts'],
  ['mock-server/http/', 'mock-server/console/', 'mock-server/msw/', 'mock-server/undici/', 'mock-server/sandbox.ts', 'mock-server/index.ts'],
  ['mock-server/cli/', 'mock-server/build/'],
];

function layerOf(file: string): number | undefined {
  const layer = LAYERS.findIndex((prefixes) => prefixes.some((prefix) => file.startsWith(prefix)));
  return layer < 0 ? undefined : layer;
}

describe('the import graph', () => {
  const graph = importGraph();

  it('reads the tree (a check of the check: the graph has the files and their imports)', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('mock-server/sandbox.ts')).toContain('mock-server/sandbox-core.ts');
    expect(circles(new Map([['a', ['b']], ['b', ['a']], ['c', ['a']]]))).toEqual([['a', 'b']]);
  });

  it('has no import circles', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('puts every mock-server file in a layer, and no file imports from a layer above its own', () => {
    const files = [...graph.keys()].filter((file) => file.startsWith('mock-server/'));
    expect(files.filter((file) => layerOf(file) === undefined)).toEqual([]);
    const upward = files.flatMap((file) => graph.get(file)!.filter((target) => (layerOf(target) ?? -1) > layerOf(file)!).map((target) => `${file} → ${target}`));
    expect(upward).toEqual([]);
  });

  it('keeps Node out of the core: no node: import and no Node global in mock-server/core', () => {
    const nodeBound = [...graph.keys()]
      .filter((file) => file.startsWith('mock-server/core/'))
      .filter((file) => {
        // Comments may name Node; code may not use it.
        const code = readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
        return /from\s+'node:|import\('node:|\bprocess\.|\bBuffer\./.test(code);
      });
    expect(nodeBound).toEqual([]);
  });

  it('gives the contract kit (contracts/, client-harness/) the package only through its public entry points', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | { types: string }> };
    const entryPoints = new Set(Object.values(manifest.exports).flatMap((target) => (typeof target === 'object' ? [target.types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts')] : [])));
    expect(entryPoints).toContain('mock-server/index.ts');
    const reachingIn = [...graph.entries()]
      .filter(([file]) => file.startsWith('contracts/') || file.startsWith('client-harness/'))
      .flatMap(([file, targets]) => targets.filter((target) => target.startsWith('mock-server/') && !entryPoints.has(target)).map((target) => `${file} → ${target}`));
    expect(reachingIn).toEqual([]);
  });
});
