import { expect, it } from 'vitest';
import { sandboxForThisFile } from './sandbox-for-this-file.js';

const { sandbox, alipay } = await sandboxForThisFile();

it('a face verification over OpenAPI v3, started, finished and queried', async () => {
  const started = await alipay.curl<{ certify_id: string }>('POST', '/v3/alipay/user/certify/open/initialize', {
    body: {
      outer_order_no: 'V3README01',
      biz_code: 'FACE',
      identity_param: { identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: '330106197909275965' },
      merchant_config: { return_url: 'https://shop.example/back' },
    },
  });
  await sandbox.completeCertification(started.data.certify_id, { passed: true });
  const query = await alipay.curl<{ passed: string }>('GET', '/v3/alipay/user/certify/open/query', {
    query: { certify_id: started.data.certify_id },
  });
  expect(query.data.passed).toBe('T');
});
