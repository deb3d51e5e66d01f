/**
 * The gateway addresses clients are configured with, which the in-process adapters answer for.
 */

export const ALIPAY_GATEWAYS: readonly string[] = [
  'https://openapi.alipay.com/gateway.do',
  'https://openapi-sandbox.dl.alipaydev.com/gateway.do',
  'https://openapi.alipaydev.com/gateway.do',
];

/** The query string of a gateway URL, still encoded, without the `?`. */
export function rawQueryOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}
