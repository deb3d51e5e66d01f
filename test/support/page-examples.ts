/**
 * Each seed page's own request example (its Java sample's setBizContent), verbatim, and a valid
 * resident ID number for the two examples whose number cannot be one.
 */
export const PAGE_EXAMPLES = {
  'zhima.customer.certification.material.certify': {
    transaction_id: 'ZGYD201610252323000001234',
    product_code: 'w1010100000000002978',
    biz_code: 'FACE_API',
    identity_param: '{"identity_type": "CERT_INFO", "cert_type": "IDENTITY_CARD", "cert_name": "收委", "cert_no": "260104197909275964"}',
    materials: '{"FACIAL_PICTURE_FRONT": "/9j/4AAQSkZJR"}',
    merchant_config: '{}',
    ext_biz_param: '{}',
    linked_merchant_id: '2088721630869411',
  },
  'alipay.user.auth.zhimaper.inner.apply': {
    cert_no: '330701199901011311',
    cert_type: 'IDENTITY_CARD',
    name: '张三',
    mobile: '13588111111',
    linked_merchant_id: '2088721630869411',
  },
  'alipay.user.certify.open.initialize': {
    outer_order_no: 'ZGYD201809132323000001234',
    biz_code: 'FACE',
    identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"260104197909275964"}',
    merchant_config: '{"return_url":"xxx"}',
    face_contrast_picture: 'xydasf==',
  },
  'alipay.security.risk.verifyidentity.apply': {
    biz_id: 'test_302857831249',
    account_name: '张三',
    account_id: '330102198807312189',
    account_type: 'ALIPAY_USERID',
    validate_product_group: '{"id":1,"name":"NATIVE_PAYMENT_PASSWORD","uuid":"2ac7745f2151420ea168476b0675010a"}',
    scene_code: 'metro#metro#metro_forgetpwd_confirm#mobileClient',
    biz_params: '{"sms_code":"test","qrcode_expired_time":604800}',
  },
  'zhima.auth.info.authquery': {
    identity_param: '{"certType":"IDENTITY_CARD","name":"张三","certNo":"33021199003132432"}',
    identity_type: '2',
    auth_category: 'C2B',
  },
} as const satisfies Record<string, Record<string, string>>;

export type SeedMethod = keyof typeof PAGE_EXAMPLES;

/** The inner.apply example's number with its GB 11643 check digit put right (…1311 → …1316). */
export const VALID_INNER_APPLY_CERT_NO = '330701199901011316';
/** The authquery example's 17-digit number made a real 18-digit one. */
export const VALID_AUTHQUERY_CERT_NO = '330211199003132437';

/** Requests every method answers with success: the examples, with real ID numbers where theirs are not. */
export const VALID_REQUESTS: Record<SeedMethod, Record<string, string>> = {
  ...PAGE_EXAMPLES,
  'alipay.user.auth.zhimaper.inner.apply': { ...PAGE_EXAMPLES['alipay.user.auth.zhimaper.inner.apply'], cert_no: VALID_INNER_APPLY_CERT_NO },
  'zhima.auth.info.authquery': {
    ...PAGE_EXAMPLES['zhima.auth.info.authquery'],
    identity_param: `{"certType":"IDENTITY_CARD","name":"张三","certNo":"${VALID_AUTHQUERY_CERT_NO}"}`,
  },
};
