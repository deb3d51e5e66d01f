/**
 * Each seed page's own request example (its definition's pageExample), and a valid resident ID number
 * for the two examples whose number cannot be one.
 */
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';

const SEED_METHODS = [
  'zhima.customer.certification.material.certify',
  'alipay.user.auth.zhimaper.inner.apply',
  'alipay.user.certify.open.initialize',
  'alipay.security.risk.verifyidentity.apply',
  'zhima.auth.info.authquery',
] as const;

export type SeedMethod = (typeof SEED_METHODS)[number];

/** Each seed page's example, as its definition holds it. */
export const PAGE_EXAMPLES = Object.fromEntries(
  SEED_METHODS.map((method) => [method, SUPPORTED_METHODS.find((d) => d.name === method)!.pageExample!]),
) as Readonly<Record<SeedMethod, Readonly<Record<string, string>>>>;

/** The inner.apply example's number with its GB 11643 check digit put right (…1311 → …1316). */
export const VALID_INNER_APPLY_CERT_NO = '330701199901011316';
/** The authquery example's 17-digit number made a real 18-digit one. */
export const VALID_AUTHQUERY_CERT_NO = '330211199003132437';

/**
 * The initialize and material.certify examples' number, 260104197909275964: its check digit is right,
 * but no province has the code 26. The same number issued in Hangzhou's Xihu district (3301 06).
 */
export const VALID_CERT_INFO_CERT_NO = '330106197909275965';

const withRealCertNo = (example: Readonly<Record<string, string>>) => ({
  ...example,
  identity_param: example.identity_param!.replace('260104197909275964', VALID_CERT_INFO_CERT_NO),
});

/** Requests every method answers with success: the examples, with real ID numbers where theirs are not. */
export const VALID_REQUESTS: Record<SeedMethod, Record<string, string>> = {
  ...PAGE_EXAMPLES,
  'alipay.user.auth.zhimaper.inner.apply': { ...PAGE_EXAMPLES['alipay.user.auth.zhimaper.inner.apply'], cert_no: VALID_INNER_APPLY_CERT_NO },
  'alipay.user.certify.open.initialize': withRealCertNo(PAGE_EXAMPLES['alipay.user.certify.open.initialize']),
  'zhima.customer.certification.material.certify': withRealCertNo(PAGE_EXAMPLES['zhima.customer.certification.material.certify']),
  'zhima.auth.info.authquery': {
    ...PAGE_EXAMPLES['zhima.auth.info.authquery'],
    identity_param: `{"certType":"IDENTITY_CARD","name":"张三","certNo":"${VALID_AUTHQUERY_CERT_NO}"}`,
  },
};
