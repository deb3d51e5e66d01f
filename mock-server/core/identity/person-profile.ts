/**
 * The public profile alipay.user.info.share answers under scope auth_user (avatar, nick_name, gender,
 * province, city), made from a synthetic person the sandbox knows, so that the same person always has
 * the same profile. Alipay's own values are what the member set in the Alipay app; the sandbox's
 * choices, where it has nothing of the kind to go by:
 * - gender: from the resident ID number's 17th digit (odd: M, even: F), as GB 11643 assigns it;
 * - province and city: the division that issued the ID number (its first two and four digits);
 *   a city is given only for the prefectures synthetic people come from, and for the four
 *   municipalities (city = the municipality), as Alipay leaves out what a member has not set;
 * - nick_name: the given name (the name without its first character, the usual one-character surname);
 * - avatar: an address under the reserved .invalid domain, shaped like Alipay's, that resolves nowhere.
 */
import type { Person } from '../state/sandbox-store.js';
import { stableHex } from '../methods/generated-ids.js';

/** Province-level divisions by the first two digits of a resident ID number (GB/T 2260). */
const PROVINCES: Readonly<Record<string, string>> = {
  '11': '北京市', '12': '天津市', '13': '河北省', '14': '山西省', '15': '内蒙古自治区',
  '21': '辽宁省', '22': '吉林省', '23': '黑龙江省',
  '31': '上海市', '32': '江苏省', '33': '浙江省', '34': '安徽省', '35': '福建省', '36': '江西省', '37': '山东省',
  '41': '河南省', '42': '湖北省', '43': '湖南省', '44': '广东省', '45': '广西壮族自治区', '46': '海南省',
  '50': '重庆市', '51': '四川省', '52': '贵州省', '53': '云南省', '54': '西藏自治区',
  '61': '陕西省', '62': '甘肃省', '63': '青海省', '64': '宁夏回族自治区', '65': '新疆维吾尔自治区',
  '71': '台湾省', '81': '香港特别行政区', '82': '澳门特别行政区', '83': '台湾省',
};

const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

/** The prefectures of the synthetic identities' region codes (fixtures/identities/region-codes.ts; a test keeps them in step). */
const PREFECTURES: Readonly<Record<string, string>> = {
  '1301': '石家庄市', '1401': '太原市', '2101': '沈阳市', '2201': '长春市', '2301': '哈尔滨市',
  '3201': '南京市', '3205': '苏州市', '3301': '杭州市', '3302': '宁波市', '3401': '合肥市',
  '3501': '福州市', '3502': '厦门市', '3601': '南昌市', '3701': '济南市', '3702': '青岛市',
  '4101': '郑州市', '4201': '武汉市', '4301': '长沙市', '4401': '广州市', '4403': '深圳市',
  '4501': '南宁市', '4601': '海口市', '5101': '成都市', '5201': '贵阳市', '5301': '昆明市',
  '6101': '西安市', '6201': '兰州市', '6301': '西宁市', '6401': '银川市', '6501': '乌鲁木齐市',
};

/** The city of the division that issued `certNo`, where the sandbox knows it. */
function cityOf(certNo: string): string | undefined {
  const province = certNo.slice(0, 2);
  if (MUNICIPALITIES.has(province)) return PROVINCES[province];
  return PREFECTURES[certNo.slice(0, 4)];
}

/** F or M, as the share answers it, from the ID number's 17th digit. */
export function genderOf(certNo: string): 'F' | 'M' {
  return Number(certNo.charAt(16)) % 2 === 1 ? 'M' : 'F';
}

function nickNameOf(name: string): string {
  return [...name].length > 1 ? [...name].slice(1).join('') : name;
}

export function publicProfile(person: Person): Record<string, string> {
  const province = PROVINCES[person.cert_no.slice(0, 2)];
  const city = cityOf(person.cert_no);
  return {
    avatar: `https://tfs.alipay-sandbox.invalid/images/partner/${stableHex(32, 'avatar', person.user_id)}`,
    nick_name: nickNameOf(person.name),
    gender: genderOf(person.cert_no),
    ...(province ? { province } : {}),
    ...(city ? { city } : {}),
  };
}
