/**
 * How required-tools.ts finds a program: CHROMIUM_PATH first, then the search path (TEST_TOOLS_PATH in
 * place of PATH) in its order of names, and what it says when there is none.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookUpTool } from './required-tools.js';

const root = mkdtempSync(join(tmpdir(), 'required-tools-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder holding executables (and, with `plain`, non-executable files) of those names. */
function folder(name: string, programs: readonly string[], plain: readonly string[] = []): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const program of programs) {
    writeFileSync(join(dir, program), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, program), 0o755);
  }
  for (const file of plain) writeFileSync(join(dir, file), '');
  return dir;
}

describe('finding Chromium', () => {
  const chrome = folder('chrome', ['google-chrome']);
  const debian = folder('debian', ['chromium', 'chromium-headless-shell']);
  const notExecutable = folder('plain', [], ['chromium-headless-shell']);

  it('takes CHROMIUM_PATH before anything on the path', () => {
    expect(lookUpTool('chromium', { CHROMIUM_PATH: join(chrome, 'google-chrome'), TEST_TOOLS_PATH: debian })).toEqual({ found: true, path: join(chrome, 'google-chrome') });
  });

  it('prefers the headless shell to the full browser, and either to Chrome, whatever the order of the folders', () => {
    expect(lookUpTool('chromium', { TEST_TOOLS_PATH: [chrome, debian].join(delimiter) })).toEqual({ found: true, path: join(debian, 'chromium-headless-shell') });
  });

  it('takes any Chrome where there is no Chromium, and passes over a file that is not executable', () => {
    expect(lookUpTool('chromium', { TEST_TOOLS_PATH: [notExecutable, chrome].join(delimiter) })).toEqual({ found: true, path: join(chrome, 'google-chrome') });
  });

  it('says why it found none: a CHROMIUM_PATH that is no program, or nothing on the path', () => {
    expect(lookUpTool('chromium', { CHROMIUM_PATH: '/nonexistent', TEST_TOOLS_PATH: debian })).toEqual({ found: false, why: 'CHROMIUM_PATH=/nonexistent is not an executable file' });
    expect(lookUpTool('chromium', { TEST_TOOLS_PATH: notExecutable })).toMatchObject({ found: false, why: expect.stringContaining('on TEST_TOOLS_PATH') });
  });
});

describe('finding redis-server', () => {
  it('searches PATH where TEST_TOOLS_PATH is not set, and TEST_TOOLS_PATH instead of it where it is', () => {
    const redis = folder('redis', ['redis-server']);
    expect(lookUpTool('redis-server', { PATH: redis })).toEqual({ found: true, path: join(redis, 'redis-server') });
    expect(lookUpTool('redis-server', { PATH: redis, TEST_TOOLS_PATH: join(root, 'nowhere') })).toEqual({ found: false, why: 'no redis-server on TEST_TOOLS_PATH' });
  });
});
