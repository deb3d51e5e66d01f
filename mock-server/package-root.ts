/**
 * Where the package's shipped files are (test-only keys and certificates, fixture people, scenarios):
 * the folder of the nearest package.json above this module. The sources run from mock-server/ and the
 * build from dist/mock-server/, so a fixed relative path would be right in only one of them.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    // The filesystem's root (or, in the browser build, whose shims know no files): the sources' layout.
    if (dirname(dir) === dir) return dirname(from);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A shipped file or folder, by its path inside the package (`fixtures/keys/...`). */
export function packagePath(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
