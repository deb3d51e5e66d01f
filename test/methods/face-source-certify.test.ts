/**
 * File uploads at gateway.do and 纯服务端人脸核身 (datadigital.fincloud.generalsaas.face.source.certify)
 * against a running sandbox: the real alipay-sdk's upload (AlipayFormData, multipart/form-data) verified
 * both ways, the file kept out of the sign string, the gateway's and the method's limits and malformed
 * multipart bodies through raw HTTP, and the method's answers for known people, pictures and magic identities.
 */
import { readFileSync } from 'node:fs';
import { AlipayFormData } from 'alipay-sdk';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { MAGIC_IDENTITIES } from '../../fixtures/identities/magic-identities.js';
import { SYNTHETIC_FACE_JPEG_BASE64 } from '../../mock-server/core/identity/synthetic-face-picture.js';
import { reset, useScenario } from '../support/admin-client.js';
import { sdkFor } from '../support/alipay-sdk-client.js';
import { answerOf, detailOf, nodeOf, useSandbox, type GatewayAnswer } from '../support/sandbox-fixture.js';
import { formEncode, publicParams, signParams } from '../support/signed-request.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

const METHOD = 'datadigital.fincloud.generalsaas.face.source.certify';
const FACE_JPEG = Buffer.from(SYNTHETIC_FACE_JPEG_BASE64, 'base64');
const FACE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==', 'base64');

/** A fixture person, who passes in either world. */
const PERSON = { outer_biz_no: 'FACE0001', cert_type: 'IDENTITY_CARD', cert_name: '戴乙萍', cert_no: '330203195001030308' };

interface FilePart {
  readonly name: string;
  readonly filename: string;
  readonly bytes: Buffer;
  readonly type?: string;
}

/** Calls the method as alipay-sdk uploads: AlipayFormData with fields and a file, the answer's sign verified. */
async function sdkUpload(fields: Readonly<Record<string, string>>, file?: Omit<FilePart, 'type'>): Promise<Record<string, unknown>> {
  const form = new AlipayFormData();
  for (const [name, value] of Object.entries(fields)) form.addField(name, value);
  // The SDK takes a request without files for a page API: a file-less call goes as a form instead.
  form.addFile(file?.name ?? 'file_content', file?.filename ?? 'face.jpg', file?.bytes ?? FACE_JPEG);
  const { traceId: _traceId, ...node } = (await sdkFor(sandbox()).exec(METHOD, {}, { formData: form, validateSign: true })) as Record<string, unknown>;
  return node;
}

function multipartBody(boundary: string, fields: Readonly<Record<string, string>>, files: readonly FilePart[]): Buffer {
  const pieces: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  for (const file of files) {
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'image/jpeg'}\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

/** A signed multipart request written by hand: the public parameters and sign in the query, `signed` what the sign covers. */
async function rawUpload(fields: Readonly<Record<string, string>>, files: readonly FilePart[], options: { body?: Buffer; contentType?: string; signed?: Readonly<Record<string, string>> } = {}): Promise<GatewayAnswer> {
  const query = publicParams(METHOD);
  const sign = signParams({ ...query, ...(options.signed ?? fields) });
  const boundary = 'sandbox-test-boundary';
  const response = await fetch(`${sandbox().url}/gateway.do?${formEncode({ ...query, sign })}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? `multipart/form-data; boundary=${boundary}` },
    body: options.body ?? multipartBody(boundary, fields, files),
  });
  return answerOf(response);
}

const picture = (bytes: Buffer, filename = 'face.jpg'): FilePart => ({ name: 'file_content', filename, bytes });

function magic(name: string) {
  return MAGIC_IDENTITIES.find((identity) => identity.name === name)!;
}

describe('an upload with alipay-sdk (AlipayFormData)', () => {
  it('is verified by the sandbox and answered with a signature the SDK verifies', async () => {
    const node = await sdkUpload(PERSON);
    expect(node).toMatchObject({ code: '10000', msg: 'Success', passed: 'T', quality: '90.0', score: '95.0' });
    expect(node.certify_no).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps the file out of the sign string: a client that signs it is told the string the gateway verified', async () => {
    const answer = await rawUpload(PERSON, [picture(FACE_JPEG)], { signed: { ...PERSON, file_content: 'face.jpg' } });
    const node = nodeOf(answer);
    expect(node.sub_code).toBe('isv.invalid-signature');
    expect(node.sub_msg).toContain('cert_name=戴乙萍');
    expect(node.sub_msg).not.toContain('file_content');
    expect((await rawUpload(PERSON, [picture(FACE_JPEG)])).status).toBe(200);
    expect(nodeOf(await rawUpload(PERSON, [picture(FACE_JPEG)]))).toMatchObject({ code: '10000', passed: 'T' });
  });
});

describe('the gateway\'s and the method\'s limits on uploads', () => {
  it('refuses an extension outside Alipay\'s list with isv.invalid-file-extension', async () => {
    const node = nodeOf(await rawUpload(PERSON, [picture(FACE_JPEG, 'face.exe')]));
    expect(node).toMatchObject({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-file-extension' });
    expect(node.sub_msg).toMatch(/^文件扩展名无效: file_content's file "face.exe" has \.exe/);
    expect(nodeOf(await rawUpload(PERSON, [picture(FACE_JPEG, 'face')])).sub_code).toBe('isv.invalid-file-extension');
  });

  it('refuses an empty file with isv.invalid-file-size, and a picture over the method\'s 1M with its FILE_SIZE_TO_LARGE', async () => {
    expect(nodeOf(await rawUpload(PERSON, [picture(Buffer.alloc(0))]))).toMatchObject({ code: '40002', sub_code: 'isv.invalid-file-size' });
    const large = Buffer.concat([FACE_JPEG, Buffer.alloc(1024 * 1024 + 1 - FACE_JPEG.length)]);
    const answer = await rawUpload(PERSON, [picture(large)]);
    expect(nodeOf(answer)).toEqual({ code: '40004', msg: 'Business Failed', sub_code: 'FILE_SIZE_TO_LARGE', sub_msg: '文件过大' });
    expect(detailOf(answer)).toContain('at most 1M (1048576 bytes)');
    const atTheBound = Buffer.concat([FACE_JPEG, Buffer.alloc(1024 * 1024 - FACE_JPEG.length)]);
    expect(nodeOf(await rawUpload(PERSON, [picture(atTheBound)]))).toMatchObject({ code: '10000' });
  });

  it('refuses a file part the method does not take, and its file parameter sent as text', async () => {
    expect(nodeOf(await rawUpload(PERSON, [picture(FACE_JPEG), { name: 'other_file', filename: 'a.png', bytes: FACE_PNG }]))).toMatchObject({ sub_code: 'isv.invalid-parameter' });
    const asText = { ...PERSON, file_content: SYNTHETIC_FACE_JPEG_BASE64 };
    const node = nodeOf(await rawUpload(asText, []));
    expect(node).toMatchObject({ code: '40002', sub_code: 'isv.upload-fail' });
    expect(node.sub_msg).toContain('upload it as a file part');
  });

  it('still bounds the whole body by --max-body-bytes', async () => {
    const huge = picture(Buffer.alloc(4 * 1024 * 1024 + 1));
    expect(nodeOf(await rawUpload(PERSON, [huge]))).toMatchObject({ sub_code: 'isv.invalid-parameter' });
  });
});

describe('a malformed multipart body', () => {
  const PART = 'Content-Disposition: form-data; name="cert_name"\r\n\r\n戴乙萍\r\n';

  it.each([
    ['a boundary the body does not use', `--other\r\n${PART}--other--\r\n`, /no part begins with the boundary/],
    ['no closing boundary', `--sandbox-test-boundary\r\n${PART}`, /ends inside part 1/],
    ['headers that never end', `--sandbox-test-boundary\r\nX-Long: ${'a'.repeat(20000)}`, /do not end with an empty line within 8192 bytes/],
  ])('with %s is answered isv.upload-fail in the signed envelope, HTTP 200, the detail in x-sandbox-detail', async (_what, body, detail) => {
    const answer = await rawUpload(PERSON, [], { body: Buffer.from(body) });
    expect(answer.status).toBe(200);
    expect(nodeOf(answer)).toMatchObject({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.upload-fail' });
    expect(nodeOf(answer).sub_msg).toMatch(/^文件上传失败: /);
    expect(detailOf(answer)).toMatch(detail);
    expect(answer.json.sign).toEqual(expect.any(String));
  });

  it('without a boundary parameter is answered the same way', async () => {
    const answer = await rawUpload(PERSON, [], { body: Buffer.from('--x--'), contentType: 'multipart/form-data' });
    expect(nodeOf(answer)).toMatchObject({ sub_code: 'isv.upload-fail' });
    expect(detailOf(answer)).toMatch(/names no boundary/);
  });
});

describe(METHOD, () => {
  it('passes a known person with a JPEG or PNG picture, and checks name and ID number alone without one', async () => {
    expect(nodeOf(await rawUpload(PERSON, [picture(FACE_PNG, 'face.png')]))).toMatchObject({ code: '10000', passed: 'T', score: '95.0' });
    const node = nodeOf(await rawUpload(PERSON, []));
    expect(node).toMatchObject({ code: '10000', passed: 'T' });
    expect(node).not.toHaveProperty('score');
  });

  it('fails a picture that is no JPEG or PNG, and another name on the ID number', async () => {
    expect(await sdkUpload(PERSON, { name: 'file_content', filename: 'face.jpg', bytes: Buffer.from('not a picture') })).toMatchObject({
      code: '10000',
      passed: 'F',
      quality: '0',
      score: '0',
      mismatch_reason: expect.stringContaining('人脸图片无法识别'),
    });
    expect(await sdkUpload({ ...PERSON, cert_name: '张三' })).toMatchObject({ passed: 'F', mismatch_reason: '姓名与身份证号不一致' });
  });

  it('knows nobody unknown in a closed world, and refuses a missing cert_name with ILLEGAL_ARGUMENT_FORMAT 参数异常', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { members: 'closed', rules: [] });
    expect(await sdkUpload({ ...PERSON, cert_no: '330106197909275965', cert_name: '李四' })).toMatchObject({ passed: 'F', mismatch_reason: '查无此人' });
    const { cert_name: _name, ...without } = PERSON;
    expect(await sdkUpload(without)).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT', sub_msg: '参数异常' });
  });

  it('answers the magic identities: 人脸不符 fails the comparison, 忙碌 gets SYSTEM_ERROR', async () => {
    const mismatch = magic('人脸不符');
    expect(await sdkUpload({ ...PERSON, cert_no: mismatch.cert_no, cert_name: mismatch.name })).toMatchObject({ passed: 'F', score: '12.0', mismatch_reason: '人脸比对不一致' });
    const busy = magic('忙碌');
    expect(await sdkUpload({ ...PERSON, cert_no: busy.cert_no, cert_name: busy.name })).toMatchObject({ code: '40004', sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙' });
  });

  it('answers SYSTEM_ERROR by its shipped scenario', async () => {
    const scenario = parseYaml(readFileSync(new URL(`../../scenarios/business-errors/${METHOD}/SYSTEM_ERROR.yaml`, import.meta.url), 'utf8'));
    await useScenario(sandbox(), DEFAULT_APP_ID, scenario);
    expect(await sdkUpload(PERSON)).toMatchObject({ code: '40004', sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙' });
  });
});
