/**
 * Alipay APIs of the identity and OAuth families that the sandbox knows exist but does not serve, so
 * that an unknown method can be told apart: a real API it lacks, or a name no Alipay API has.
 * Source: the request classes of alipay-sdk-java-all (v2/src/main/java/com/alipay/api/request,
 * e.g. AlipayUserInfoAuthRequest → alipay.user.info.auth). Kept small on purpose: a name missing
 * here is only "not one the sandbox knows of".
 */
export const KNOWN_UNSERVED_METHODS: readonly string[] = [
  'alipay.user.info.auth',
  'alipay.user.userinfo.share',
  'alipay.open.auth.token.app.query',
  'alipay.user.auth.zhimaorg.identity.apply',
  'zhima.credit.score.get',
  'datadigital.fincloud.generalsaas.ocr.common.detect',
  'datadigital.fincloud.generalsaas.ocr.server.detect',
];
