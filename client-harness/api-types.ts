/**
 * The identity APIs the sandbox serves, typed as their pages define them: biz_content in, response
 * node out. Strings where Alipay sends strings ("true", "T"), a boolean where it sends one (authorized).
 */

export interface IdentityCertInfo {
  identity_type: 'CERT_INFO';
  cert_type: 'IDENTITY_CARD';
  cert_name: string;
  cert_no: string;
}

export interface AlipayApis {
  'zhima.customer.certification.material.certify': {
    request: {
      transaction_id: string;
      product_code: string;
      biz_code: string;
      /** JSON of IdentityCertInfo. */
      identity_param: string;
      /** JSON, e.g. {"FACIAL_PICTURE_FRONT": "<base64 jpeg>"}. */
      materials: string;
      merchant_config?: string;
      ext_biz_param?: string;
      linked_merchant_id?: string;
    };
    response: { biz_no: string; passed: 'true' | 'false'; failed_reason: string };
  };
  'alipay.user.auth.zhimaper.inner.apply': {
    request: { cert_no: string; cert_type: 'IDENTITY_CARD'; name: string; mobile: string; linked_merchant_id?: string };
    response: { access_token: string; refresh_token: string; auth_token_type?: string };
  };
  'alipay.user.certify.open.initialize': {
    request: {
      outer_order_no: string;
      biz_code: 'FACE' | 'CERT_PHOTO' | 'CERT_PHOTO_FACE' | 'SMART_FACE';
      /** JSON of IdentityCertInfo (phone_no optional). */
      identity_param: string;
      /** JSON, {"return_url": "..."}. */
      merchant_config: string;
      face_contrast_picture?: string;
    };
    response: { certify_id: string };
  };
  'alipay.security.risk.verifyidentity.apply': {
    request: {
      biz_id: string;
      account_name?: string;
      account_id: string;
      account_type?: 'ALIPAY_USERID' | 'CERT';
      validate_product_group: string;
      scene_code: string;
      biz_params?: string;
    };
    response: { is_success: string; err_code: string; err_message: string; usable_product_group: string; unusable_product_list: string };
  };
  'zhima.auth.info.authquery': {
    request: { identity_param: string; identity_type: '2' | '5'; auth_category?: 'C2B' | 'C2ConB' | 'B2B' };
    response: { authorized: boolean; open_id?: string };
  };
  'alipay.user.certify.open.query': {
    request: { certify_id: string };
    response: { passed: 'T' | 'F'; identity_info?: string; material_info?: string; fail_reason?: string };
  };
  'zhima.customer.certification.initialize': {
    request: {
      transaction_id: string;
      product_code: string;
      biz_code: string;
      identity_param: string;
      merchant_config?: string;
      ext_biz_param?: string;
      linked_merchant_id?: string;
      face_contrast_picture?: string;
    };
    response: { biz_no: string };
  };
  'zhima.customer.certification.query': {
    request: { biz_no: string };
    response: { passed: 'true' | 'false'; failed_reason?: string; identity_info?: string; attribute_info?: string; channel_statuses?: string };
  };
}

/** The page APIs: the client builds a signed URL for the user's browser instead of calling. */
export interface AlipayPageApis {
  'alipay.user.certify.open.certify': { certify_id: string };
  'zhima.customer.certification.certify': { biz_no: string };
}

export type ApiMethod = keyof AlipayApis;
export type PageMethod = keyof AlipayPageApis;
export type BizContentOf<M extends ApiMethod> = AlipayApis[M]['request'];
export type ResultOf<M extends ApiMethod> = AlipayApis[M]['response'] & { code: '10000'; msg: string };
