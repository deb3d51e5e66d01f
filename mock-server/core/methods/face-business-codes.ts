/**
 * The business codes of Alipay's datadigital.fincloud.generalsaas face APIs (H5人脸核身, App 人脸核身, 活体检测,
 * 纯服务端人脸核身), one row per code, and each method's table.
 *
 * Which codes a method answers is its documented list: the enum of the error `code` in the method's
 * ErrorResponseModel of Alipay's v3 SDKs (alipay/alipay-sdk-php-all v3/src/Model, the same list in
 * alipay-sdk-java-all's v3 models), the pages' 错误码 tables as the SDKs carry them. Those models give
 * names only, no sub_msg or solution, and no stored copy of the pages' tables has them either. So:
 * - verbatim from Alipay's page of the sibling alipay.user.certify.open.initialize (its 错误码 table):
 *   SYSTEM_ERROR 系统繁忙, ILLEGAL_ARGUMENT_FORMAT 参数异常, ARRANGEMENT_STATUS_ERROR 合约状态异常, with their
 *   solutions; the same code names on the same product line are read as the same rows;
 * - borrowed from certify-open's query, whose code names the H5 query's list repeats: OPEN_CERTIFY_BILL_NOT_EXIST
 *   无效的certify_id (reference §8) and CERTIFY_ID_EXPIRED 认证已失效 (Alipay's easysdk tests);
 * - the sandbox's own words, in Alipay's style, for every other code: INVALID_PARAMETER 参数有误 (as the Zhima
 *   pages write that code), UNKNOWN_ERROR, ACCOUNT_MONEY_LIMIT_ERROR, INVALID_SWITCH, INVALID_CERT_INFO,
 *   INVALID_INPUT_IMAGE, OVER_RATE_LIMIT, FILE_SIZE_TO_LARGE, QUERY_INVALID_CERTIFYID, QUERY_CERTIFYID_EXPIRED,
 *   ACCOUNT_NOT_AVAILABLE, SDK_VERSION_NOT_SUPPORT and OPEN_CERTIFY_BILL_STATUS_ERROR, each read by its name.
 * docs/identity-family.md says, method by method, which failure the sandbox pairs with which code.
 */
import { BusinessErrorTable } from './business-errors.js';
import { CERTIFY_QUERY_ERRORS, CERTIFY_INITIALIZE_ERRORS } from './certification-steps.js';

// certify-open's rows, verbatim from its page or as certify-open answers them.
const SYSTEM_ERROR = CERTIFY_INITIALIZE_ERRORS.row('SYSTEM_ERROR');
const ILLEGAL_ARGUMENT_FORMAT = CERTIFY_INITIALIZE_ERRORS.row('ILLEGAL_ARGUMENT_FORMAT');
const ARRANGEMENT_STATUS_ERROR = CERTIFY_INITIALIZE_ERRORS.row('ARRANGEMENT_STATUS_ERROR');
const OPEN_CERTIFY_BILL_NOT_EXIST = CERTIFY_QUERY_ERRORS.row('OPEN_CERTIFY_BILL_NOT_EXIST');
const CERTIFY_ID_EXPIRED = CERTIFY_QUERY_ERRORS.row('CERTIFY_ID_EXPIRED');

// The sandbox's words.
const INVALID_PARAMETER = { sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误', solution: '检查参数是否按照规定传入,修改后重试' };
const UNKNOWN_ERROR = { sub_code: 'UNKNOWN_ERROR', sub_msg: '未知异常', solution: '请稍后重试,仍失败请联系支付宝技术支持' };
const ACCOUNT_MONEY_LIMIT_ERROR = { sub_code: 'ACCOUNT_MONEY_LIMIT_ERROR', sub_msg: '账户余额不足', solution: '请为商户账户充值后重试' };
const INVALID_SWITCH = { sub_code: 'INVALID_SWITCH', sub_msg: '产品开关未开启', solution: '请确认已开通该产品并开启服务开关' };
const INVALID_CERT_INFO = { sub_code: 'INVALID_CERT_INFO', sub_msg: '证件信息无效', solution: '检查姓名、证件号码是否正确,证件号码是否与证件类型相符' };
const INVALID_INPUT_IMAGE = { sub_code: 'INVALID_INPUT_IMAGE', sub_msg: '输入图片无效', solution: '请使用清晰的正面人脸照片' };
const OVER_RATE_LIMIT = { sub_code: 'OVER_RATE_LIMIT', sub_msg: '调用频率超限', solution: '降低调用频率后重试' };
const FILE_SIZE_TO_LARGE = { sub_code: 'FILE_SIZE_TO_LARGE', sub_msg: '文件过大', solution: '压缩图片至大小限制以内后重试' };
const QUERY_INVALID_CERTIFYID = { sub_code: 'QUERY_INVALID_CERTIFYID', sub_msg: '无效的certify_id', solution: '检查certify_id是否为本应用初始化接口返回的值' };
const QUERY_CERTIFYID_EXPIRED = { sub_code: 'QUERY_CERTIFYID_EXPIRED', sub_msg: 'certify_id已过期', solution: '重新调用初始化接口获取新的certify_id' };
const ACCOUNT_NOT_AVAILABLE = { sub_code: 'ACCOUNT_NOT_AVAILABLE', sub_msg: '账户不可用', solution: '请确认商户账户状态正常' };
const SDK_VERSION_NOT_SUPPORT = { sub_code: 'SDK_VERSION_NOT_SUPPORT', sub_msg: 'SDK版本不支持', solution: '请将客户端SDK升级至最新版本' };
const OPEN_CERTIFY_BILL_STATUS_ERROR = { sub_code: 'OPEN_CERTIFY_BILL_STATUS_ERROR', sub_msg: '认证单据状态异常', solution: '重新调用初始化接口获取新的certify_id' };

// Each method's list, in the order of its ErrorResponseModel.

/** H5人脸核身初始化. */
export const FACE_CERTIFY_INITIALIZE_ERRORS = new BusinessErrorTable([SYSTEM_ERROR, INVALID_PARAMETER, ARRANGEMENT_STATUS_ERROR, ACCOUNT_MONEY_LIMIT_ERROR, INVALID_SWITCH]);
/** H5人脸核身开始认证. */
export const FACE_CERTIFY_VERIFY_ERRORS = new BusinessErrorTable([SYSTEM_ERROR, INVALID_PARAMETER]);
/** H5人脸核身查询记录. */
export const FACE_CERTIFY_QUERY_ERRORS = new BusinessErrorTable([SYSTEM_ERROR, INVALID_PARAMETER, CERTIFY_ID_EXPIRED, OPEN_CERTIFY_BILL_NOT_EXIST, OPEN_CERTIFY_BILL_STATUS_ERROR]);
/** 人脸核身初始化 (App). */
export const FACE_VERIFICATION_INITIALIZE_ERRORS = new BusinessErrorTable([
  SYSTEM_ERROR,
  ILLEGAL_ARGUMENT_FORMAT,
  UNKNOWN_ERROR,
  INVALID_SWITCH,
  INVALID_CERT_INFO,
  INVALID_INPUT_IMAGE,
  OVER_RATE_LIMIT,
  ACCOUNT_MONEY_LIMIT_ERROR,
]);
/** 人脸核身结果查询 (App). */
export const FACE_VERIFICATION_QUERY_ERRORS = new BusinessErrorTable([
  UNKNOWN_ERROR,
  ILLEGAL_ARGUMENT_FORMAT,
  QUERY_INVALID_CERTIFYID,
  QUERY_CERTIFYID_EXPIRED,
  SYSTEM_ERROR,
  ACCOUNT_NOT_AVAILABLE,
  SDK_VERSION_NOT_SUPPORT,
]);
/** 活体检测初始化. */
export const FACE_CHECK_INITIALIZE_ERRORS = new BusinessErrorTable([SYSTEM_ERROR, ILLEGAL_ARGUMENT_FORMAT, UNKNOWN_ERROR, ACCOUNT_MONEY_LIMIT_ERROR, INVALID_SWITCH, FILE_SIZE_TO_LARGE]);
/** 活体检测结果查询. */
export const FACE_CHECK_QUERY_ERRORS = new BusinessErrorTable([SYSTEM_ERROR, INVALID_PARAMETER, QUERY_INVALID_CERTIFYID, QUERY_CERTIFYID_EXPIRED]);
/** 纯服务端人脸核身. */
export const FACE_SOURCE_CERTIFY_ERRORS = new BusinessErrorTable([SYSTEM_ERROR, ILLEGAL_ARGUMENT_FORMAT, UNKNOWN_ERROR, ACCOUNT_MONEY_LIMIT_ERROR, FILE_SIZE_TO_LARGE, INVALID_SWITCH]);

/** The codes both App queries answer when the flow finds no certification: the sandbox's reading of their names. */
export const APP_QUERY_REFUSALS = { unknown: 'QUERY_INVALID_CERTIFYID', expired: 'QUERY_CERTIFYID_EXPIRED' } as const;
