/**
 * The records the sandbox's state is made of, as Alipay's pages name their fields: the people it
 * knows, the grants they gave apps, and the certifications merchants started. The store
 * (sandbox-store.ts) holds them and its storages (state-storage.ts) keep them; both read the shapes here.
 */

export interface Person {
  readonly name: string;
  readonly cert_type: 'IDENTITY_CARD';
  readonly cert_no: string;
  readonly mobile: string;
  /** The person's Alipay user id (2088 and 12 digits). */
  readonly user_id: string;
  /** fixture: shipped with the sandbox; admin: added through the admin API; authorization: first seen granting. */
  readonly source: 'fixture' | 'admin' | 'authorization';
}

export interface Authorization {
  readonly app_id: string;
  readonly cert_no: string;
  readonly name: string;
  readonly user_id: string;
  readonly open_id: string;
  readonly access_token: string;
  readonly refresh_token: string;
  readonly granted_at: string;
}

export type CertificationKind = 'certify-open' | 'zhima-certification' | 'face-certify' | 'face-verification' | 'face-check';
export type CertificationStatus = 'INIT' | 'PASSED' | 'FAILED' | 'CANCELLED';

export interface Certification {
  readonly kind: CertificationKind;
  /** certify_id (certify-open, face-certify, face-verification, face-check) or biz_no (zhima-certification). */
  readonly id: string;
  readonly app_id: string;
  /** outer_order_no or transaction_id. */
  readonly order_no: string;
  readonly biz_code: string;
  readonly identity: { readonly cert_type: string; readonly cert_name: string; readonly cert_no: string };
  return_url?: string;
  /** merchant_config.out_put_facial_picture: the merchant asked for the live face in material_info. */
  readonly output_facial_picture?: boolean;
  readonly created_at_ms: number;
  readonly expires_at_ms: number;
  status: CertificationStatus;
  fail_reason?: string;
  completed_at_ms?: number;
}

export interface MaterialCertification {
  readonly app_id: string;
  readonly transaction_id: string;
  readonly biz_no: string;
  readonly passed: string;
  readonly failed_reason: string;
  readonly certified_at_ms: number;
}
