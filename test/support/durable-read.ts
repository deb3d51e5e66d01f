/**
 * JSON text read back as the sandbox reads its data files: through DurableJSONFile, from a file, since
 * the line reader is that adapter's own.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DurableJSONFile } from '../../mock-server/storage/durable-files.js';
import { useTempDirs } from './temp-dirs.js';

export type DurableReader = (text: string, asLines?: ReadonlySet<string>) => Promise<unknown>;

/** Call at the top of a test file: the folder it reads through is removed after the file. */
export function useDurableReader(): DurableReader {
  const tempDir = useTempDirs('sandbox-read-');
  let dir: string | undefined;
  return (text, asLines) => {
    const path = join((dir ??= tempDir()), 'state.json');
    // Removed, not truncated: ext4 flushes a file truncated and written again to disk on close
    // (auto_da_alloc), so thousands of reads would each wait on the disk.
    rmSync(path, { force: true });
    writeFileSync(path, text);
    return new DurableJSONFile<unknown>(path, asLines).read();
  };
}
