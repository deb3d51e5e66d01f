/**
 * A vitest reporter that ends the run with one line per missing tool (required-tools.ts): how many
 * tests needed it, and what to install. Silent where every tool is present.
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { missingToolLine, TOOL_NAMES, tool } from './required-tools.js';

export default class MissingToolsReporter implements Reporter {
  private log: (line: string) => void = (line) => process.stdout.write(`${line}\n`);

  onInit(vitest: Vitest): void {
    this.log = (line) => vitest.logger.log(line);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    for (const name of TOOL_NAMES) {
      if (tool(name).found) continue;
      let tests = 0;
      for (const module of testModules) for (const test of module.children.allTests()) if (test.tags.includes(name)) tests++;
      if (tests > 0) this.log(missingToolLine(name, tests));
    }
  }
}
