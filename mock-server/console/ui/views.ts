/**
 * What the console reads from the admin API: the shapes of the sandbox's own types, restated here
 * because the page's bundle takes nothing from the server's modules.
 */
export interface JournalView {
  readonly id: number;
  readonly at: string;
  readonly protocol: 'v1' | 'v3';
  readonly method?: string;
  readonly app_id?: string;
  readonly auth_app_id?: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly response: { readonly http_status: number; readonly code?: string; readonly sub_code?: string; readonly sub_msg?: string; readonly detail?: string; readonly node?: unknown };
  readonly rule?: { readonly source: string; readonly name: string };
  readonly signature?: 'verified' | 'refused';
  readonly refused_at_protocol: boolean;
}

export interface AppView {
  readonly app_id: string;
  readonly sign_type: string;
  readonly app_cert_sn?: string;
  readonly registered_at: string;
}

export interface CertificationView {
  readonly kind: 'certify-open' | 'zhima-certification';
  readonly id: string;
  readonly app_id: string;
  readonly order_no: string;
  readonly biz_code: string;
  readonly identity: { readonly cert_name: string; readonly cert_no: string };
}

export interface ShippedScenario {
  readonly name: string;
  readonly document: unknown;
}
