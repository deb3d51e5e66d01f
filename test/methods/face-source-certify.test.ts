/**
 * File uploads at gateway.do and 纯服务端人脸核身 (datadigital.fincloud.generalsaas.face.source.certify)
 * against a running sandbox: the real alipay-sdk's upload (AlipayFormData, multipart/form-data) verified
 * both ways, the file kept out of the sign string, the gateway's and the method's limits and malformed
 * multipart bodies through raw HTTP, the method's answers for known people, pictures and magic identities,
 * and its OpenAPI v3 path: alipay-sdk's curl() with an AlipayFormData (the fields as JSON in a `data` part).
 */
import { readFileSync } from 'node:fs';
import { AlipayFormData, AlipayRequestError } from 'alipay-sdk';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { MAGIC_IDENTITIES } from '../../fixtures/identities/magic-identities.js';
import { SYNTHETIC_FACE_JPEG_BASE64 } from '../../mock-server/core/identity/synthetic-face-picture.js';
import { reset, useScenario } from '../support/admin-client.js';
import { sdkFor } from '../support/alipay-sdk-client.js';
import { answerOf, detailOf, nodeOf, useSandbox, type GatewayAnswer } from '../support/sandbox-fixture.js';
import { multipartBody, TEST_BOUNDARY, v3Authorization, type FilePart } from '../support/multipart-upload.js';
import { formEncode, publicParams, signParams } from '../support/signed-request.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

const METHOD = 'datadigital.fincloud.generalsaas.face.source.certify';
const FACE_JPEG = Buffer.from(SYNTHETIC_FACE_JPEG_BASE64, 'base64');
const FACE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==', 'base64');

/** A fixture person, who passes in either world. */
const PERSON = { outer_biz_no: 'FACE0001', cert_type: 'IDENTITY_CARD', cert_name: '戴乙萍', cert_no: '330203195001030308' };

/** Calls the method as alipay-sdk uploads: AlipayFormData with fields and a file, the answer's sign verified. */
async function sdkUpload(fields: Readonly<Record<string, string>>, file?: Omit<FilePart, 'type'>): Promise<Record<string, unknown>> {
  const form = new AlipayFormData();
  for (const [name, value] of Object.entries(fields)) form.addField(name, value);
  // The SDK takes a request without files for a page API: a file-less call goes as a form instead.
  form.addFile(file?.name ?? 'file_content', file?.filename ?? 'face.jpg', file?.bytes ?? FACE_JPEG);
  const { traceId: _traceId, ...node } = (await sdkFor(sandbox()).exec(METHOD, {}, { formData: form, validateSign: true })) as Record<string, unknown>;
  return node;
}

/** A signed multipart request written by hand: the public parameters and sign in the query, `signed` what the sign covers. */
async function rawUpload(fields: Readonly<Record<string, string>>, files: readonly FilePart[], options: { body?: Buffer; contentType?: string; signed?: Readonly<Record<string, string>> } = {}): Promise<GatewayAnswer> {
  const query = publicParams(METHOD);
  const sign = signParams({ ...query, ...(options.signed ?? fields) });
  const response = await fetch(`${sandbox().url}/gateway.do?${formEncode({ ...query, sign })}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? `multipart/form-data; boundary=${TEST_BOUNDARY}` },
    body: options.body ?? multipartBody(TEST_BOUNDARY, fields, files),
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

describe(`${METHOD} over OpenAPI v3 (multipart/form-data)`, () => {
  const PATH = '/v3/datadigital/fincloud/generalsaas/face/source/certify';

  /** alipay-sdk's curl() with an AlipayFormData: the fields go as JSON in the data part, the picture (null: none) as file_content. */
  function curlUpload(fields: Readonly<Record<string, string>>, file: Omit<FilePart, 'type'> | null = picture(FACE_JPEG)) {
    const form = new AlipayFormData();
    for (const [name, value] of Object.entries(fields)) form.addField(name, value);
    if (file) form.addFile(file.name, file.filename, file.bytes);
    return sdkFor(sandbox(), { endpoint: sandbox().url }).curl<Record<string, string>>('POST', PATH, { form });
  }

  async function refusalOf(call: Promise<unknown>): Promise<AlipayRequestError> {
    const error = await call.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AlipayRequestError);
    return error as AlipayRequestError;
  }

  /** A multipart v3 request written by hand, signed over `signed` (the data part's text unless told). */
  async function handUpload(parts: Readonly<Record<string, string>>, files: readonly FilePart[], options: { signed?: string; path?: string; body?: Buffer } = {}) {
    const path = options.path ?? PATH;
    const authorization = v3Authorization(path, options.signed ?? parts.data ?? '');
    const response = await fetch(sandbox().url + path, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${TEST_BOUNDARY}`, authorization },
      body: options.body ?? multipartBody(TEST_BOUNDARY, parts, files),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown>, detail: decodeURI(response.headers.get('x-sandbox-detail') ?? '') };
  }

  it('answers curl() with a form: 200, the success fields, the signature verified by the SDK; the same certify_no as over gateway.do', async () => {
    const answer = await curlUpload({ ...PERSON, outer_biz_no: 'FACEV3001' });
    expect(answer.responseHttpStatus).toBe(200);
    expect(answer.data).toMatchObject({ passed: 'T', quality: '90.0', score: '95.0' });
    expect(answer.data.certify_no).toMatch(/^[0-9a-f]{32}$/);
    expect(await sdkUpload({ ...PERSON, outer_biz_no: 'FACEV3001' })).toMatchObject({ certify_no: answer.data.certify_no });
    const withoutPicture = await curlUpload(PERSON, null);
    expect(withoutPicture.data).toMatchObject({ passed: 'T' });
    expect(withoutPicture.data).not.toHaveProperty('score');
    expect((await curlUpload(PERSON, picture(Buffer.from('not a picture')))).data).toMatchObject({ passed: 'F', score: '0' });
  });

  it('holds the file to the same rules as gateway.do: a picture over the 1M is FILE_SIZE_TO_LARGE, an .exe invalid-file-extension, both HTTP 400', async () => {
    const large = Buffer.concat([FACE_JPEG, Buffer.alloc(1024 * 1024 + 1 - FACE_JPEG.length)]);
    const oversized = await refusalOf(curlUpload(PERSON, picture(large)));
    expect(oversized).toMatchObject({ responseHttpStatus: 400, code: 'FILE_SIZE_TO_LARGE', message: expect.stringContaining('文件过大') });
    expect(decodeURI(String(oversized.responseHttpHeaders?.['x-sandbox-detail']))).toContain('at most 1M (1048576 bytes)');
    expect(await refusalOf(curlUpload(PERSON, picture(FACE_JPEG, 'face.exe')))).toMatchObject({ responseHttpStatus: 400, code: 'invalid-file-extension' });
  });

  it('refuses a data part other than the one signed: the signature covers its text', async () => {
    const data = JSON.stringify(PERSON);
    expect(await handUpload({ data }, [picture(FACE_JPEG)])).toMatchObject({ status: 200, json: { passed: 'T' } });
    const tampered = await handUpload({ data: JSON.stringify({ ...PERSON, cert_name: '张三' }) }, [picture(FACE_JPEG)], { signed: data });
    expect(tampered).toMatchObject({ status: 401, json: { code: 'invalid-signature' } });
    expect(tampered.detail).toContain('a multipart body: the "data" part\'s text as the body, the files left out');
    expect(tampered.detail).toContain(JSON.stringify(JSON.stringify({ ...PERSON, cert_name: '张三' })).slice(1, -1));
  });

  it.each([
    ['a method that takes no files', { path: '/v3/alipay/user/certify/open/initialize' }, { data: '{}' }, [], 'invalid-parameter', /alipay\.user\.certify\.open\.initialize takes no files/],
    ['no data part', {}, {}, [picture(FACE_JPEG)], 'invalid-parameter', /has no "data" part/],
    ['a data part that is no JSON', {}, { data: 'cert_name=戴乙萍' }, [], 'invalid-parameter', /the "data" part is not JSON/],
    ['a data part that is a JSON list', {}, { data: '[]' }, [], 'invalid-parameter', /the "data" part must be a JSON object/],
    ['a text part beside data', {}, { data: JSON.stringify(PERSON), cert_name: '张三' }, [], 'invalid-parameter', /the text part "cert_name" is not read/],
    ['a file part the method does not take', {}, { data: JSON.stringify(PERSON) }, [picture(FACE_JPEG), { name: 'other_file', filename: 'a.png', bytes: FACE_PNG }], 'invalid-parameter', /other_file is not a file parameter/],
    ['a body that is no multipart', { body: Buffer.from('--other--') }, {}, [], 'upload-fail', /no part begins with the boundary/],
  ] as const)('answers %s with HTTP 400 and its code, the reason in x-sandbox-detail', async (_what, options, parts, files, code, detail) => {
    const answer = await handUpload(parts, files, options);
    expect(answer).toMatchObject({ status: 400, json: { code, message: expect.any(String) } });
    expect(answer.detail).toMatch(detail);
  });
});
