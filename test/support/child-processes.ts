/**
 * A process's children, read from /proc (Linux, where these tests run), so that no test needs procps'
 * pgrep, which slim images lack.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The parent pid in /proc/<pid>/stat: the field after the command name, which is in parentheses and may hold spaces. */
function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // it ended while the list was read
  }
}

/** The pids of `pid`'s child processes. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && parentOf(entry) === pid)
    .map(Number);
}
