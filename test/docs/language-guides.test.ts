/**
 * The Java, PHP, Python and Go guides (docs/getting-started/) against what the sandbox prints and
 * serves. Their SDKs cannot be installed here, so what is checked is each guide's set-up table (the
 * gateway URL, the app id, the key files and their formats, the sign type and the charset): against
 * `serve`'s banner, the key files and the public key the running sandbox serves; the guide's code must
 * use the table's values; and the guide's call, made with exactly those values through the real
 * alipay-sdk (gateway.do, or OpenAPI v3 when the URL is the server's), must get the guide's answer.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlipaySdk } from 'alipay-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { charsetNamed } from '../../mock-server/core/protocol/charset.js';
import { DEFAULT_PORT } from '../../mock-server/sandbox.js';
import { ROOT, spawnCli } from '../support/cli-process.js';
import { codeBlocks, pageText, type CodeBlock } from './doc-pages.js';

const GUIDES = ['java', 'php', 'python', 'go'].map((language) => `docs/getting-started/${language}.md`);
const CODE_LANGS = new Set(['java', 'php', 'python', 'go']);

type KeyFormat = 'PKCS#1' | 'PKCS#8' | 'SPKI';

interface KeyFile {
  readonly path: string;
  readonly format: KeyFormat;
}

/** One set-up table: a `| … | value |` table whose value cells each start with a value in backticks. */
interface SetUp {
  readonly page: string;
  /** 1-based line of the table's header, where the code and the answer that follow belong to it. */
  readonly line: number;
  readonly gateway: string;
  readonly appId: string;
  readonly privateKey: KeyFile;
  readonly alipayPublicKey: KeyFile;
  readonly signType: string;
  readonly charset: string;
}

type Setting = Exclude<keyof SetUp, 'page' | 'line'>;

/** Which setting a value cell gives, by the value in its first backticks. */
function settingOf(value: string): Setting | undefined {
  if (/^https?:\/\//.test(value)) return 'gateway';
  if (/^\d{16}$/.test(value)) return 'appId';
  if (value.endsWith('.pem')) return value.includes('private') ? 'privateKey' : 'alipayPublicKey';
  if (/^RSA2?$/.test(value)) return 'signType';
  if (/^(utf-8|gbk|gb2312)$/i.test(value)) return 'charset';
  return undefined;
}

function keyFile(path: string, cell: string, where: string): KeyFile {
  const format = /PKCS#1|PKCS#8|SPKI/.exec(cell)?.[0] as KeyFormat | undefined;
  if (!format) throw new Error(`${where}: ${path} is not said to be PKCS#1, PKCS#8 or SPKI`);
  return { path, format };
}

function setUpOf(page: string, line: number, cells: readonly string[]): SetUp {
  const found: Partial<Record<Setting, string | KeyFile>> = {};
  for (const cell of cells) {
    const value = /`([^`]+)`/.exec(cell)?.[1] ?? '';
    const setting = settingOf(value);
    if (!setting) continue;
    if (found[setting]) throw new Error(`${page}:${line}: the table gives ${setting} twice`);
    found[setting] = setting === 'privateKey' || setting === 'alipayPublicKey' ? keyFile(value, cell, `${page}:${line}`) : value;
  }
  const missing = (['gateway', 'appId', 'privateKey', 'alipayPublicKey', 'signType', 'charset'] as const).filter((setting) => !found[setting]);
  if (missing.length) throw new Error(`${page}:${line}: the set-up table gives no ${missing.join(', ')}`);
  return { page, line, ...(found as Omit<SetUp, 'page' | 'line'>) };
}

/** Every `| … | value |` table of the page, as set-ups. */
function setUpsIn(page: string, text = pageText(page)): SetUp[] {
  const lines = text.split('\n');
  const setUps: SetUp[] = [];
  lines.forEach((line, i) => {
    if (!/^\|.*\|\s*value\s*\|$/.test(line) || !/^\|[-|\s]+\|$/.test(lines[i + 1] ?? '')) return;
    const rows = [];
    for (let j = i + 2; lines[j]?.startsWith('|'); j++) rows.push(lines[j]!);
    // The value is the last cell; a | inside backticks never occurs in these tables.
    setUps.push(setUpOf(page, i + 1, rows.map((row) => row.split('|').at(-2)!)));
  });
  return setUps;
}

/** What a running sandbox prints and serves, as a guide's reader would find it. */
interface Served {
  readonly banner: string;
  readonly gateway: string;
  readonly alipayPublicKeyPem: string;
}

const PEM_LABELS: Readonly<Record<KeyFormat, string>> = { 'PKCS#1': 'RSA PRIVATE KEY', 'PKCS#8': 'PRIVATE KEY', SPKI: 'PUBLIC KEY' };

function pemLabel(path: string): string | undefined {
  return /^-----BEGIN ([A-Z ]+)-----/.exec(readFileSync(join(ROOT, path), 'utf8'))?.[1];
}

function bannerLine(banner: string, path: string): string {
  return banner.split('\n').find((line) => line.includes(` ${path} `) || line.endsWith(` ${path}`)) ?? '';
}

function urlProblems(setUp: SetUp, served: Served): string[] {
  const url = new URL(setUp.gateway);
  const problems = url.port === String(DEFAULT_PORT) ? [] : [`${setUp.gateway}: serve listens on ${DEFAULT_PORT} unless told otherwise`];
  url.port = new URL(served.gateway).port;
  // A server URL without gateway.do is an OpenAPI v3 client's: its calls go to /v3/… on the same server.
  const gateway = url.pathname === '/' ? `${url.origin}/gateway.do` : url.href;
  return gateway === served.gateway ? problems : [...problems, `${setUp.gateway}: the sandbox serves ${served.gateway}`];
}

function keyProblems(key: KeyFile, served: Served, bannerFormat: (line: string) => boolean): string[] {
  const label = pemLabel(key.path);
  if (label === undefined) return [`${key.path}: no PEM file there`];
  const problems = label === PEM_LABELS[key.format] ? [] : [`${key.path}: said to be ${key.format}, but its PEM is ${label}`];
  const line = bannerLine(served.banner, key.path);
  return line && bannerFormat(line) ? problems : [...problems, `${key.path} (${key.format}): not what serve prints`];
}

/** What in a set-up table disagrees with the sandbox; empty when it all agrees. */
function problemsWith(setUp: SetUp, served: Served): string[] {
  const appId = /default app_id\s+(\S+)/.exec(served.banner)?.[1];
  const signType = /\(sign_type (\w+)\)/.exec(served.banner)?.[1];
  const publicKey = readFileSync(join(ROOT, setUp.alipayPublicKey.path), 'utf8');
  return [
    ...urlProblems(setUp, served),
    ...(setUp.appId === appId ? [] : [`app id ${setUp.appId}: the sandbox's is ${appId}`]),
    ...(setUp.signType === signType ? [] : [`sign type ${setUp.signType}: the app's is ${signType}`]),
    ...(charsetNamed(setUp.charset) ? [] : [`charset ${setUp.charset}: the gateway takes none such`]),
    ...keyProblems(setUp.privateKey, served, (line) => line.includes(`(${setUp.privateKey.format}`)),
    ...keyProblems(setUp.alipayPublicKey, served, (line) => line.includes('alipay public key')),
    ...(publicKey.trim() === served.alipayPublicKeyPem.trim() ? [] : [`${setUp.alipayPublicKey.path}: not the key GET /__admin/alipay-public-key serves`]),
  ];
}

/** The blocks after the table and before the page's next set-up table. */
function blocksOf(setUp: SetUp, all: readonly SetUp[]): CodeBlock[] {
  const next = all.find((other) => other.line > setUp.line)?.line ?? Infinity;
  return codeBlocks(setUp.page).filter((block) => block.line > setUp.line && block.line < next);
}

function markedJson(blocks: readonly CodeBlock[], marker: RegExp): { match: RegExpExecArray; value: Record<string, unknown> } {
  for (const block of blocks) {
    const match = block.lang === 'json' && block.marker ? marker.exec(block.marker) : null;
    if (match) return { match, value: JSON.parse(block.code) as Record<string, unknown> };
  }
  throw new Error(`no json block marked ${marker}`);
}

/** The guide's call with the table's values, through the real alipay-sdk: the answer's node, or v3's body. */
async function callAsGuided(setUp: SetUp, served: Served, method: string, sends: Record<string, unknown>): Promise<unknown> {
  const sdk = new AlipaySdk({
    appId: setUp.appId,
    privateKey: readFileSync(join(ROOT, setUp.privateKey.path), 'utf8'),
    keyType: setUp.privateKey.format === 'PKCS#8' ? 'PKCS8' : 'PKCS1',
    alipayPublicKey: readFileSync(join(ROOT, setUp.alipayPublicKey.path), 'utf8'),
    signType: setUp.signType === 'RSA' ? 'RSA' : 'RSA2',
    gateway: served.gateway,
    endpoint: served.gateway.replace(/\/gateway\.do$/, ''),
    camelcase: false,
  });
  if (new URL(setUp.gateway).pathname === '/') return (await sdk.curl('POST', `/v3/${method.replaceAll('.', '/')}`, { body: sends })).data;
  const { traceId: _traceId, ...node } = await sdk.exec(method, { bizContent: sends }, { validateSign: true });
  return node;
}

let child: ChildProcess;
let served: Served;

beforeAll(async () => {
  // As a reader starts it, from the clone's root, so the banner names the keys as the guides do.
  child = spawnCli(['serve', '--port', '0', '--in-memory', '--quiet'], { cwd: ROOT });
  const banner = await new Promise<string>((done, fail) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // The banner is one write: once its gateway line is in, all of it is.
      if (/gateway\s+http:\S+\/gateway\.do/.test(output)) done(output);
    });
    child.once('exit', (code) => fail(new Error(`serve exited with ${code}: ${output}`)));
  });
  const gateway = /gateway\s+(http:\S+\/gateway\.do)/.exec(banner)![1]!;
  const alipayPublicKeyPem = await (await fetch(gateway.replace(/gateway\.do$/, '__admin/alipay-public-key'))).text();
  served = { banner, gateway, alipayPublicKeyPem };
});

afterAll(() => {
  child?.kill('SIGTERM');
});

describe.each(GUIDES)('%s', (page) => {
  const setUps = setUpsIn(page);

  it('has a set-up table, and its values are what the sandbox prints and serves', () => {
    expect(setUps.length).toBeGreaterThan(0);
    for (const setUp of setUps) expect(problemsWith(setUp, served), `${page}:${setUp.line}`).toEqual([]);
  });

  it("uses the table's URL, app id and key files in its code", () => {
    for (const setUp of setUps) {
      const code = blocksOf(setUp, setUps).filter((block) => CODE_LANGS.has(block.lang)).map((block) => block.code).join('');
      for (const value of [setUp.gateway, setUp.appId, setUp.privateKey.path, setUp.alipayPublicKey.path]) expect(code, `${page}:${setUp.line}`).toContain(value);
    }
  });

  it("gets the guide's answer to the guide's call, made with the table's values", async () => {
    const { match, value: sends } = markedJson(codeBlocks(page), /^sends: ([\w.]+)$/);
    for (const setUp of setUps) {
      const answers = markedJson(blocksOf(setUp, setUps), /^answers$/).value;
      expect(await callAsGuided(setUp, served, match[1]!, sends), `${page}:${setUp.line}`).toEqual(answers);
    }
  });
});

describe('the set-up check', () => {
  const [java] = setUpsIn('docs/getting-started/java.md');
  const altered = (from: string, to: string) => setUpsIn('altered.md', pageText('docs/getting-started/java.md').replace(from, to))[0]!;

  it('finds a wrong port, path, key format or app id', () => {
    expect(problemsWith(java!, served)).toEqual([]);
    expect(problemsWith(altered('127.0.0.1:8976/gateway.do`', '127.0.0.1:8080/gateway.do`'), served)).toHaveLength(1);
    expect(problemsWith(altered('127.0.0.1:8976/gateway.do`', '127.0.0.1:8976/gateway`'), served)).toHaveLength(1);
    expect(problemsWith(altered('private-key.pkcs8.pem`, PKCS#8', 'private-key.pkcs8.pem`, PKCS#1'), served)).toHaveLength(2);
    expect(problemsWith(altered('`2021000000000001`', '`2021000000000002`'), served)).toHaveLength(1);
    expect(problemsWith(altered('alipay-sandbox.public-key.pem`', 'default-app.public-key.pem`'), served).length).toBeGreaterThan(0);
  });
});
