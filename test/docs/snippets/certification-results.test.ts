import { expect, it } from 'vitest';
import { sandboxForThisFile } from './sandbox-for-this-file.js';

const { sandbox, alipay } = await sandboxForThisFile();

it('a passed face check hands out the live face; an id nobody finished expires', async () => {
  const start = (outerOrderNo: string) => alipay.exec('alipay.user.certify.open.initialize', {
    bizContent: {
      outer_order_no: outerOrderNo,
      biz_code: 'FACE',
      identity_param: { identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '330211199003132437' },
      merchant_config: { return_url: 'https://merchant.example/return', out_put_facial_picture: true },
    },
  }, { validateSign: true });
  const query = (certifyId: string) => alipay.exec('alipay.user.certify.open.query', { bizContent: { certify_id: certifyId } }, { validateSign: true });

  const { certifyId } = await start('RESULT0001');
  await sandbox.admin.completeCertification(certifyId, { passed: true }); // or drive the hosted page
  const passed = await query(certifyId);
  expect(passed.passed).toBe('T');
  expect(JSON.parse(passed.materialInfo).FACIAL_PICTURE_FRONT).toMatch(/^\/9j\//); // a JPEG, base64

  const { certifyId: abandoned } = await start('RESULT0002');
  sandbox.admin.moveClock({ advance_ms: 24 * 3600_000 });
  expect(await query(abandoned)).toMatchObject({ code: '40004', subCode: 'CERTIFY_ID_EXPIRED', subMsg: '认证已失效' });
});
