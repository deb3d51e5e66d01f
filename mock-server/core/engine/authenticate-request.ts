/**
 * The gateway's protocol checks, in the order it answers them: transport, parameters (charset), public
 * parameters, app, certificate SNs, signature, timestamp, then AES decryption. Each refusal is a
 * Rejection with the documented code; what passes is the request as the rest of the engine sees it.
 */
import type { RegisteredApp } from '../apps/registered-app.js';
import type { CoreCrypto } from '../protocol/core-crypto.js';
import { CharsetMismatchError, decodeParameter } from '../protocol/charset.js';
import { publicError, publicErrorWithSubMsg } from '../protocol/public-errors.js';
import { isMultipart } from '../protocol/multipart-form.js';
import { checkPublicParameters, type PublicParameters } from '../protocol/public-parameters.js';
import { decodeRequestParameters, ParameterError, type DecodedParameters } from '../protocol/request-parameters.js';
import { signEncodingProblem, signStringBytes, signStringText } from '../protocol/signature.js';
import { diagnoseSignature } from '../protocol/signature-doctor.js';
import { checkTimestamp } from '../protocol/timestamp.js';
import type { AppDirectory, GatewayRequest, GatewaySettings } from './engine-contract.js';
import { checkGatewayUploads, filesByName, readMultipart } from './method-uploads.js';
import { Rejection, type RequestState } from './request-state.js';

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;
const WELL_FORMED_METHOD = /^[A-Za-z0-9_.]{1,128}$/;

export interface AuthenticationDependencies {
  readonly apps: AppDirectory;
  readonly settings: GatewaySettings;
  readonly certificates: { readonly alipayCertSn: string; readonly alipayRootCertSn: string };
  readonly now: () => number;
  readonly crypto: CoreCrypto;
}

export interface AuthenticatedParameters {
  readonly params: PublicParameters;
  readonly app: RegisteredApp;
  readonly decoded: DecodedParameters;
}


/** A body the adapter stopped reading (too slow, too large) is refused, over either protocol. */
export function checkBodyArrived(request: { readonly bodyTimedOut?: boolean; readonly bodyExceededLimit?: boolean }, settings: GatewaySettings): void {
  if (request.bodyTimedOut) {
    throw new Rejection(publicError('isv.invalid-parameter', `the request body did not arrive within ${settings.bodyTimeoutMs / 1000} s; send it whole, at once`));
  }
  if (request.bodyExceededLimit) {
    throw new Rejection(publicError('isv.invalid-parameter', `the request body exceeds the sandbox's limit of ${settings.maxBodyBytes} bytes`));
  }
}

export function createAuthenticator(deps: AuthenticationDependencies) {
  const { apps, settings } = deps;

  function checkTransport(request: GatewayRequest): void {
    if (request.httpMethod !== 'GET' && request.httpMethod !== 'POST') {
      throw new Rejection(publicError('isv.invalid-parameter', `gateway.do takes GET or POST, not ${request.httpMethod}`));
    }
    checkBodyArrived(request, settings);
    const type = request.contentType?.trim();
    if (request.body.length > 0 && type && !FORM_CONTENT_TYPE.test(type) && !isMultipart(type)) {
      throw new Rejection(
        publicError('isv.invalid-parameter', `Content-Type ${type} is not accepted; send parameters as application/x-www-form-urlencoded, or multipart/form-data with files`),
      );
    }
  }

  /** The query's and body's parameters, and a multipart body's files (which the sign string leaves out). */
  function decodeBody(request: GatewayRequest, state: RequestState): DecodedParameters {
    const multipart = request.body.length > 0 && isMultipart(request.contentType) ? readMultipart(request.body, request.contentType ?? '') : undefined;
    try {
      state.decoded = decodeRequestParameters(request.rawQuery, multipart ? multipart.fields : request.body);
    } catch (error) {
      if (error instanceof ParameterError) throw new Rejection(error.error);
      throw error;
    }
    if (multipart?.files.length) state.files = filesByName(multipart.files, state.decoded.values);
    return state.decoded;
  }

  function identify(values: { get(name: string): string | null | undefined }, state: RequestState): void {
    const appId = values.get('app_id');
    const method = values.get('method');
    const signType = values.get('sign_type');
    if (appId) state.app = apps.find(appId);
    if (method && WELL_FORMED_METHOD.test(method)) state.method = method;
    if (signType === 'RSA2' || signType === 'RSA') state.signType = signType;
  }

  function signatureDiagnosis(params: PublicParameters, decoded: DecodedParameters, app: RegisteredApp): string {
    const failed = { list: decoded.list, charset: decoded.charset, signType: params.sign_type, sign: params.sign, app, apps: apps.all() };
    return diagnoseSignature(failed, deps.crypto);
  }

  function checkSignature(params: PublicParameters, decoded: DecodedParameters, app: RegisteredApp, state: RequestState): void {
    if (params.sign_type !== app.signType) {
      throw new Rejection(
        publicError(
          'isv.missing-signature-config',
          `app ${app.appId} is configured for ${app.signType}, the request is signed ${params.sign_type}; ` +
            `sign with ${app.signType} or register the app with sign_type ${params.sign_type}`,
        ),
      );
    }
    state.signature = 'refused';
    if (!deps.crypto.verify(signStringBytes(decoded.list), params.sign, params.sign_type, app.publicKey)) {
      // Alipay's own wording, with the gateway's sign string HTML-escaped as Alipay writes it.
      const signString = signStringText(decoded.list).replaceAll('&', '&amp;');
      // Alipay's answer is the same whatever failed; the detail says what: the sign's encoding, or the mistake it was made with.
      throw new Rejection(
        publicErrorWithSubMsg('isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${signString}`),
        signEncodingProblem(params.sign) ?? signatureDiagnosis(params, decoded, app),
      );
    }
    state.signature = 'verified';
  }

  /** biz_content parsed once: the rules read it, and the method validates it (or the refusal). */
  /** Certificate mode (reference §6): the app's certificate SN and the sandbox root's, both signed. */
  function checkCertificate(values: Readonly<Record<string, string>>, app: RegisteredApp, state: RequestState): void {
    const appCertSn = values.app_cert_sn;
    const rootCertSn = values.alipay_root_cert_sn;
    if (appCertSn === undefined) {
      if (app.certificate?.required) {
        throw new Rejection(publicError('isv.missing-app-cert-sn', `app ${app.appId} is set up with a public-key certificate: send app_cert_sn and alipay_root_cert_sn`));
      }
      return;
    }
    if (!app.certificate) {
      throw new Rejection(publicError('isv.invalid-parameter', `app ${app.appId} is set up with a public key, not a certificate: drop app_cert_sn, or register the app with app_cert`));
    }
    if (appCertSn !== app.certificate.sn) {
      throw new Rejection(publicError('isv.invalid-parameter', `app_cert_sn ${appCertSn} is not the SN of app ${app.appId}'s certificate (${app.certificate.sn})`));
    }
    if (rootCertSn !== deps.certificates.alipayRootCertSn) {
      throw new Rejection(
        publicError('isv.invalid-parameter', `alipay_root_cert_sn ${rootCertSn ?? '(missing)'} is not the SN of the sandbox's root certificate (${deps.certificates.alipayRootCertSn}); use fixtures/certs/alipayRootCert.crt`),
      );
    }
    state.certificateMode = true;
  }

  /** The plaintext is in the request's charset, like every other parameter (the Java SDK's GBK calls). */
  function decryptedText(bytes: Uint8Array, charset: DecodedParameters['charset']): string {
    try {
      return decodeParameter(bytes, charset, 'biz_content (decrypted)');
    } catch (error) {
      if (error instanceof CharsetMismatchError) throw new Rejection(publicError('isv.invalid-charset', error.message));
      throw error;
    }
  }

  /** encrypt_type=AES (reference §5): biz_content arrives encrypted with the app's key, signed as sent. */
  function decryptContent(decoded: DecodedParameters, app: RegisteredApp, state: RequestState): DecodedParameters {
    const encryptType = decoded.values.encrypt_type;
    if (encryptType === undefined) return decoded;
    if (encryptType !== 'AES') throw new Rejection(publicError('isv.invalid-encrypt-type', `encrypt_type "${encryptType}" is not AES, the only one Alipay supports`));
    if (!app.aesKey) {
      throw new Rejection(publicError('isv.decryption-error-not-valid-encrypt-key', `app ${app.appId} has no AES key: set one with POST /__admin/apps/${app.appId}/aes-key`));
    }
    const ciphertext = decoded.values.biz_content;
    const plainBytes = ciphertext === undefined ? undefined : deps.crypto.decryptContent(ciphertext, app.aesKey);
    if (plainBytes === undefined) {
      // The SDKs' own comment on this answer: "服务端解密错误，sub_msg: 解密出错, 未知错误".
      throw new Rejection(publicError('isv.decryption-error-unknown'), 'biz_content does not decrypt with the app\'s AES key (AES-128-CBC, zero IV, PKCS#5, base64)');
    }
    const plaintext = decryptedText(plainBytes, decoded.charset);
    state.aesKey = app.aesKey;
    return { ...decoded, values: { ...decoded.values, biz_content: plaintext } };
  }

  /** Passes the protocol checks, or throws the gateway's refusal. */
  function authenticate(request: GatewayRequest, state: RequestState): AuthenticatedParameters {
    checkTransport(request);
    const decoded = decodeBody(request, state);
    identify({ get: (name) => decoded.values[name] }, state);
    const checked = checkPublicParameters(decoded.values);
    if (!checked.ok) throw new Rejection(checked.error);
    const params = checked.value;
    const app = state.app;
    if (!app) {
      throw new Rejection(publicError('isv.invalid-app-id', `app_id ${params.app_id} is not registered with the sandbox; POST it to /__admin/apps`));
    }
    checkCertificate(decoded.values, app, state);
    checkSignature(params, decoded, app, state);
    const timestamp = checkTimestamp(params.timestamp, deps.now(), settings.timestampWindowMs);
    if (!timestamp.ok) throw new Rejection(publicError('isv.invalid-timestamp', timestamp.detail));
    if (state.files) checkGatewayUploads(state.files);
    return { params, app, decoded: decryptContent(decoded, app, state) };
  }

  return { authenticate, identify };
}
