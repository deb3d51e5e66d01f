/** The seed page's own example request for alipay.user.certify.open.initialize. */
export const CERTIFY_OPEN_INITIALIZE = 'alipay.user.certify.open.initialize';

export const certifyOpenInitializeExample = {
  outer_order_no: 'ZGYD201809132323000001234',
  biz_code: 'FACE',
  identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"260104197909275964"}',
  merchant_config: '{"return_url":"xxx"}',
  face_contrast_picture: 'xydasf==',
} as const;
