/**
 * The face-certification flow on its own, without a gateway: the families (certify-open, Zhima, H5 face-certify,
 * App face-verification and face-check)
 * go through the same start, certify page, query, expiry and completion, and differ only where the
 * family says so (its id, what its query does with an id nobody finished in time).
 */
import { describe, expect, it } from 'vitest';
import {
  CERTIFY_OPEN,
  CertificationError,
  certifyPage,
  certifyWithMaterials,
  complete,
  FACE_CERTIFY,
  FACE_CHECK,
  FACE_VERIFICATION,
  queryCertification,
  startCertification,
  ZHIMA_CERTIFICATION,
  type CertificationStart,
  type FaceCertificationFamily,
} from '../../mock-server/core/flows/face-certification.js';
import { residentIdCheckCharacter } from '../../mock-server/core/identity/resident-id.js';
import type { MethodContext } from '../../mock-server/core/methods/api-method.js';
import { SandboxStore, type Certification } from '../../mock-server/core/state/sandbox-store.js';
import { MemoryStateStorage } from '../../mock-server/core/state/state-storage.js';

/** Alipay's 23 hours for a certification to be finished in, and the fail reason its query examples show. */
const CERTIFICATION_VALIDITY_MS = 23 * 3600 * 1000;
const DEFAULT_FAIL_REASON = 'Z1147';

const STARTED_AT = Date.UTC(2030, 0, 1);

/** A resident ID whose check character is X, which a certification keeps upper-cased. */
function residentIdEndingInX(): string {
  for (let sequence = 100; ; sequence++) {
    const first17 = `33010619790927${sequence}`;
    if (residentIdCheckCharacter(first17) === 'X') return `${first17}X`;
  }
}

const CERT_NO = residentIdEndingInX();

async function sandboxState(): Promise<SandboxStore> {
  return SandboxStore.open({ storage: new MemoryStateStorage() }, []);
}

function callAt(state: SandboxStore, nowMs: number, appId = '2021000000000001'): MethodContext {
  return { appId, nowMs, state, membership: 'open', parameters: {} };
}

function startOf(orderNo: string, certNo = CERT_NO.toLowerCase()): CertificationStart {
  return {
    order_no: orderNo,
    biz_code: 'FACE',
    identity_param: JSON.stringify({ identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: certNo }),
  };
}

function started(context: MethodContext, family: FaceCertificationFamily, orderNo = 'ORDER0001'): Certification {
  const start = startCertification(context, family, startOf(orderNo));
  if (!('started' in start)) throw new Error(start.problem);
  return start.started;
}

const FAMILIES = [
  { family: CERTIFY_OPEN, idShape: /^[0-9a-f]{32}$/ },
  { family: ZHIMA_CERTIFICATION, idShape: /^ZM20300101\d{22}$/ },
  { family: FACE_CERTIFY, idShape: /^[0-9a-f]{32}$/ },
  { family: FACE_VERIFICATION, idShape: /^[0-9a-f]{32}$/ },
  { family: FACE_CHECK, idShape: /^[0-9a-f]{32}$/ },
];

describe.each(FAMILIES)('the $family.kind family', ({ family, idShape }) => {
  it('starts a certification once per order: a retried initialize continues it', async () => {
    const context = callAt(await sandboxState(), STARTED_AT);
    const first = started(context, family);
    expect(first).toMatchObject({ kind: family.kind, status: 'INIT', order_no: 'ORDER0001', expires_at_ms: STARTED_AT + CERTIFICATION_VALIDITY_MS });
    expect(first.id).toMatch(idShape);
    expect(first.identity.cert_no).toBe(CERT_NO);
    expect(started(callAt(context.state, STARTED_AT + 1000), family)).toBe(first);
    expect(started(context, family, 'ORDER0002').id).not.toBe(first.id);
  });

  it('starts nothing for a cert_no that is no resident ID', async () => {
    const context = callAt(await sandboxState(), STARTED_AT);
    const start = startCertification(context, family, startOf('ORDER0001', '330106197909275964'));
    expect(start).toEqual({ problem: expect.stringContaining('identity_param.cert_no') });
    expect(context.state.certifications()).toEqual([]);
  });

  it('serves the certify page, then answers the query "not passed" until the person passes', async () => {
    const context = callAt(await sandboxState(), STARTED_AT);
    const certification = started(context, family);
    const step = certifyPage(context, family, certification.id);
    expect('page' in step && step.page).toContain(`<dt>${family.idName}</dt><dd>${certification.id}</dd>`);
    expect(queryCertification(context, family, certification.id)).toEqual({ result: { certification, passed: false, finished: false, identity_info: '{}' } });
    complete(context.state, certification, { passed: true }, STARTED_AT + 1);
    const answer = queryCertification(context, family, certification.id);
    expect(answer).toMatchObject({ result: { passed: true, finished: true } });
    expect('result' in answer && JSON.parse(answer.result.identity_info)).toEqual({ cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: CERT_NO });
  });

  it('reports a failure with its reason, Z1147 when the tester gave none', async () => {
    const context = callAt(await sandboxState(), STARTED_AT);
    const certification = started(context, family);
    complete(context.state, certification, { passed: false }, STARTED_AT + 1);
    expect(queryCertification(context, family, certification.id)).toMatchObject({ result: { passed: false, finished: true, fail_reason: DEFAULT_FAIL_REASON } });
  });

  it('finishes a certification once', async () => {
    const context = callAt(await sandboxState(), STARTED_AT);
    const certification = started(context, family);
    complete(context.state, certification, { cancelled: true }, STARTED_AT + 1);
    expect(() => complete(context.state, certification, { passed: true }, STARTED_AT + 2)).toThrow(new CertificationError(`certification ${certification.id} is already CANCELLED`, 409));
    expect(queryCertification(context, family, certification.id)).toMatchObject({ result: { passed: false, finished: false } });
  });

  it('knows neither another app\'s ids nor the other family\'s', async () => {
    const context = callAt(await sandboxState(), STARTED_AT);
    const certification = started(context, family);
    const otherApp = callAt(context.state, STARTED_AT, '2021000000000002');
    const unknown = { refused: 'unknown', detail: `no ${family.idName} ${certification.id} was started by app 2021000000000002` };
    expect(queryCertification(otherApp, family, certification.id)).toEqual(unknown);
    expect(certifyPage(otherApp, family, certification.id)).toEqual(unknown);
    const otherFamily = family === CERTIFY_OPEN ? ZHIMA_CERTIFICATION : CERTIFY_OPEN;
    expect(queryCertification(context, otherFamily, certification.id)).toMatchObject({ refused: 'unknown' });
  });

  it('after 23 hours no longer serves the page nor takes a verdict, but keeps a finished result', async () => {
    const state = await sandboxState();
    const unfinished = started(callAt(state, STARTED_AT), family, 'ORDER0001');
    const finished = started(callAt(state, STARTED_AT), family, 'ORDER0002');
    complete(state, finished, { passed: true }, STARTED_AT + 1);
    const lastMoment = STARTED_AT + CERTIFICATION_VALIDITY_MS;
    expect(certifyPage(callAt(state, lastMoment), family, unfinished.id)).toHaveProperty('page');
    const late = callAt(state, lastMoment + 1);
    expect(certifyPage(late, family, unfinished.id)).toEqual({ refused: 'expired', detail: `${unfinished.id} expired at 2030-01-01T23:00:00.000Z (23 hours after it was started)` });
    expect(() => complete(state, unfinished, { passed: true }, lastMoment + 1)).toThrow(/expired at 2030-01-01T23:00:00.000Z/);
    expect(queryCertification(late, family, finished.id)).toMatchObject({ result: { passed: true } });
  });
});

describe('where the families differ', () => {
  it('certify-open refuses the query of a certify_id nobody finished in time; Zhima answers its biz_no "not passed"', async () => {
    const state = await sandboxState();
    const certifyId = started(callAt(state, STARTED_AT), CERTIFY_OPEN).id;
    const bizNo = started(callAt(state, STARTED_AT), ZHIMA_CERTIFICATION).id;
    const late = callAt(state, STARTED_AT + CERTIFICATION_VALIDITY_MS + 1);
    expect(queryCertification(late, CERTIFY_OPEN, certifyId)).toEqual({
      refused: 'expired',
      detail: `certify_id ${certifyId} was not finished within 23 hours (expired 2030-01-01T23:00:00.000Z); start a new one`,
    });
    expect(queryCertification(late, ZHIMA_CERTIFICATION, bizNo)).toMatchObject({ result: { passed: false, finished: false, identity_info: '{}' } });
  });

  it('keeps the merchant_config choices certify-open starts with, and the return_url Zhima\'s certify call names while unfinished', async () => {
    const context = callAt(await sandboxState(), STARTED_AT);
    const start = startCertification(context, CERTIFY_OPEN, { ...startOf('ORDER0001'), return_url: 'https://merchant.example/back', output_facial_picture: true });
    expect(start).toMatchObject({ started: { return_url: 'https://merchant.example/back', output_facial_picture: true } });
    const bizNo = started(context, ZHIMA_CERTIFICATION);
    expect(certifyPage(context, ZHIMA_CERTIFICATION, bizNo.id, 'https://merchant.example/zhima')).toMatchObject({ page: expect.stringContaining('https://merchant.example/zhima') });
    complete(context.state, bizNo, { passed: true }, STARTED_AT + 1);
    certifyPage(context, ZHIMA_CERTIFICATION, bizNo.id, 'https://merchant.example/later');
    expect(context.state.certification(bizNo.id)?.return_url).toBe('https://merchant.example/zhima');
  });
});

describe('material.certify', () => {
  it('passes the person and gives a retried transaction_id the answer it got first; each app has its own', async () => {
    const state = await sandboxState();
    const first = certifyWithMaterials(callAt(state, STARTED_AT), 'TX0001');
    expect(first).toMatchObject({ transaction_id: 'TX0001', passed: 'true', failed_reason: '认证完成', certified_at_ms: STARTED_AT });
    expect(first.biz_no).toMatch(/^ZM20300101\d{22}$/);
    expect(certifyWithMaterials(callAt(state, STARTED_AT + 86_400_000), 'TX0001')).toBe(first);
    expect(certifyWithMaterials(callAt(state, STARTED_AT, '2021000000000002'), 'TX0001').biz_no).not.toBe(first.biz_no);
  });
});
