/** The GBK encoder, built from TextDecoder, writes the bytes iconv-lite writes. */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { encodeGbk } from '../../mock-server/core/protocol/gbk-encoding.js';

describe('encodeGbk', () => {
  it('encodes Chinese sub_msg texts, names and ASCII to the same GBK bytes as iconv-lite', () => {
    const text = '{"code":"40004","sub_msg":"身份三要素不存在支付宝认证的个人会员","name":"收委张三·（测试）"}';
    expect(Buffer.from(encodeGbk(text))).toEqual(iconv.encode(text, 'gbk'));
  });

  it('writes ? for a character GBK cannot hold, as iconv-lite does', () => {
    expect(Buffer.from(encodeGbk('a😀b')).toString('latin1')).toBe(iconv.encode('a😀b', 'gbk').toString('latin1'));
  });
});
