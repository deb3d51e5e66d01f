/**
 * Alipay's public (gateway-level) result codes, from the official SDKs and the open platform's
 * error-code page (reference §4). Business codes (40004) belong to each API method's definition.
 */

export type PublicCode = '10000' | '20000' | '20001' | '40001' | '40002' | '40003' | '40004' | '40006';

export const PUBLIC_CODE_MSG: Readonly<Record<PublicCode, string>> = {
  '10000': 'Success',
  '20000': 'Service Currently Unavailable',
  '20001': 'Insufficient Token Permissions',
  '40001': 'Missing Required Arguments',
  '40002': 'Invalid Arguments',
  '40003': 'Insufficient Conditions',
  '40004': 'Business Failed',
  '40006': 'Insufficient Permissions',
};

interface PublicSubCodeEntry {
  readonly code: PublicCode;
  readonly subMsg: string;
}

/** Every gateway sub_code the sandbox can answer, with Alipay's own sub_msg text. */
export const PUBLIC_SUB_CODES = {
  'isp.unknow-error': { code: '20000', subMsg: '服务暂不可用（业务系统不可用）' },
  'aop.unknow-error': { code: '20000', subMsg: '服务暂不可用（网关自身的未知错误）' },
  'aop.invalid-auth-token': { code: '20001', subMsg: '无效的访问令牌' },
  'aop.auth-token-time-out': { code: '20001', subMsg: '访问令牌已过期' },
  'aop.invalid-app-auth-token': { code: '20001', subMsg: '无效的应用授权令牌' },
  'aop.invalid-app-auth-token-no-api': { code: '20001', subMsg: '商户未授权当前接口' },
  'aop.app-auth-token-time-out': { code: '20001', subMsg: '应用授权令牌已过期' },
  'aop.no-product-reg-by-partner': { code: '20001', subMsg: '商户未签约任何产品' },
  'isv.missing-method': { code: '40001', subMsg: '缺少方法名参数' },
  'isv.missing-signature': { code: '40001', subMsg: '缺少签名参数' },
  'isv.missing-signature-type': { code: '40001', subMsg: '缺少签名类型参数' },
  'isv.missing-signature-key': { code: '40001', subMsg: '缺少签名配置' },
  'isv.missing-app-id': { code: '40001', subMsg: '缺少appId参数' },
  'isv.missing-timestamp': { code: '40001', subMsg: '缺少时间戳参数' },
  'isv.missing-version': { code: '40001', subMsg: '缺少版本参数' },
  'isv.decryption-error-missing-encrypt-type': { code: '40001', subMsg: '解密出错, 未指定加密算法' },
  'isv.missing-app-cert-sn': { code: '40001', subMsg: '缺少应用公钥证书序列号' },
  'isv.invalid-parameter': { code: '40002', subMsg: '参数无效' },
  // The upload codes: a file part the gateway could not take, by its extension, or by its size.
  'isv.upload-fail': { code: '40002', subMsg: '文件上传失败' },
  'isv.invalid-file-extension': { code: '40002', subMsg: '文件扩展名无效' },
  'isv.invalid-file-size': { code: '40002', subMsg: '文件大小无效' },
  'isv.invalid-method': { code: '40002', subMsg: '不存在的方法名' },
  'isv.invalid-format': { code: '40002', subMsg: '无效的数据格式' },
  'isv.invalid-signature-type': { code: '40002', subMsg: '无效的签名类型' },
  'isv.invalid-signature': { code: '40002', subMsg: '无效签名' },
  'isv.invalid-encrypt-type': { code: '40002', subMsg: '无效的加密类型' },
  'isv.invalid-encrypt': { code: '40002', subMsg: '解密异常' },
  'isv.invalid-app-id': { code: '40002', subMsg: '无效的AppID参数' },
  'isv.invalid-timestamp': { code: '40002', subMsg: '非法的时间戳参数' },
  'isv.invalid-charset': { code: '40002', subMsg: '字符集错误' },
  'isv.invalid-digest': { code: '40002', subMsg: '摘要错误' },
  'isv.not-support-app-auth': { code: '40002', subMsg: '本接口不支持第三方代理调用' },
  'isv.decryption-error-not-valid-encrypt-type': { code: '40002', subMsg: '解密出错, 不支持的加密算法' },
  'isv.decryption-error-not-valid-encrypt-key': { code: '40002', subMsg: '解密出错, 未配置加密密钥或加密密钥格式错误' },
  'isv.missing-signature-config': { code: '40003', subMsg: '应用未配置对应签名算法的公钥或者证书' },
  'isv.decryption-error-unknown': { code: '40003', subMsg: '解密出错, 未知错误' },
  'isv.insufficient-isv-permissions': { code: '40006', subMsg: 'ISV权限不足' },
  'isv.insufficient-user-permissions': { code: '40006', subMsg: '用户权限不足' },
} as const satisfies Record<string, PublicSubCodeEntry>;

export type PublicSubCode = keyof typeof PUBLIC_SUB_CODES;

/** The four fields every non-success response node carries. */
export type ErrorFields = {
  code: string;
  msg: string;
  sub_code: string;
  sub_msg: string;
};

/**
 * A gateway error for `subCode`. `detail` tells the caller what to fix; it follows Alipay's own text
 * so that clients matching on the documented sub_msg prefix keep working.
 */
export function publicError(subCode: PublicSubCode, detail?: string): ErrorFields {
  const entry: PublicSubCodeEntry = PUBLIC_SUB_CODES[subCode];
  return {
    code: entry.code,
    msg: PUBLIC_CODE_MSG[entry.code],
    sub_code: subCode,
    sub_msg: detail ? `${entry.subMsg}: ${detail}` : entry.subMsg,
  };
}

/** A public error whose sub_msg is given whole, as Alipay writes some of them (invalid signature). */
export function publicErrorWithSubMsg(subCode: PublicSubCode, subMsg: string): ErrorFields {
  const entry: PublicSubCodeEntry = PUBLIC_SUB_CODES[subCode];
  return { code: entry.code, msg: PUBLIC_CODE_MSG[entry.code], sub_code: subCode, sub_msg: subMsg };
}

/** 40004 Business Failed with one of a method's documented business codes. */
export function businessError(subCode: string, subMsg: string): ErrorFields {
  return { code: '40004', msg: PUBLIC_CODE_MSG['40004'], sub_code: subCode, sub_msg: subMsg };
}
