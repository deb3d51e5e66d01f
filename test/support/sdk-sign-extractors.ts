/**
 * How each official SDK cuts the signed content out of a response (reference §3), re-stated from
 * their sources, except Node's, which is alipay-sdk's own method. The sandbox's envelopes must survive
 * all four.
 */
import { AlipaySdk } from 'alipay-sdk';
import { readFileSync } from 'node:fs';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';

export type SignContentExtractor = (body: string, method: string) => string;

const nodeKeyOf = (method: string) => `${method.replaceAll('.', '_')}_response`;

const nodeSdk = new AlipaySdk({ appId: DEFAULT_APP_ID, privateKey: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8') });

/** alipay-sdk-nodejs-all: between `<key>"` and the last `"sign"`, trimmed to the outer braces. */
export const nodeExtractor: SignContentExtractor = (body, method) => nodeSdk.getSignStr(body, nodeKeyOf(method));

/** alipay-sdk-python-all: the first `"..._response":{` to the last `},"sign":"`. */
export const pythonExtractor: SignContentExtractor = (body) => {
  const begin = /("[a-zA-z_]+_response"[ \t\n]*:[ \t\n]*\{)/.exec(body);
  const signBegin = /(\}[ \t\n]*,[ \t\n]*"sign"[ \t\n]*:[ \t\n]*")/g;
  let last: RegExpExecArray | null = null;
  for (let m = signBegin.exec(body); m; m = signBegin.exec(body)) last = m;
  if (!begin || !last) throw new Error('python: response shape maybe illegal');
  return body.slice(begin.index + begin[0].length - 1, last.index + 1);
};

/** alipay-easysdk PHP SignContentExtractor: the node's value up to the comma before the last "sign". */
export const phpExtractor: SignContentExtractor = (body, method) => {
  const rootNodeName = nodeKeyOf(method);
  let nodeName = rootNodeName;
  let nodeIndex = body.indexOf(rootNodeName);
  if (nodeIndex !== body.lastIndexOf(rootNodeName)) throw new Error(`php: 检测到响应报文中有重复的${rootNodeName}`);
  if (nodeIndex <= 0) {
    nodeName = 'error_response';
    nodeIndex = body.indexOf(nodeName);
    if (nodeIndex <= 0) throw new Error('php: no response node');
  }
  const start = nodeIndex + nodeName.length + 2;
  const signIndex = body.includes('alipay_cert_sn') ? body.lastIndexOf('"alipay_cert_sn"') : body.lastIndexOf('"sign"');
  return body.slice(start, signIndex - 1);
};

/** alipay-sdk-java-all AlipaySignature.extractSignContent: brace matching from the node's value. */
export const javaExtractor: SignContentExtractor = (body, method) => {
  let rootNode = nodeKeyOf(method);
  let rootIndex = body.indexOf(rootNode);
  if (rootIndex <= 0) {
    rootNode = 'error_response';
    rootIndex = body.indexOf(rootNode);
    if (rootIndex <= 0) throw new Error('java: no response node');
  }
  let begin = rootIndex + rootNode.length + 2;
  while (begin < body.length && body[begin] !== '{' && body[begin] !== '"') begin++;
  if (body[begin] === '"') {
    // An encrypted node: a JSON string of base64, signed with its quotes.
    const end = body.indexOf('"', begin + 1) + 1;
    return body.slice(begin, end);
  }
  let depth = 0;
  let inString = false;
  let escaped = false;
  let end = begin;
  for (; end < body.length; end++) {
    const c = body[end];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      end++;
      break;
    }
  }
  if (body.lastIndexOf(rootNode) > end) throw new Error(`java: 检测到响应报文中有重复的${rootNode}`);
  return body.slice(begin, end);
};

export const SDK_EXTRACTORS: ReadonlyArray<[string, SignContentExtractor]> = [
  ['Node (alipay-sdk getSignStr)', nodeExtractor],
  ['Python (regex)', pythonExtractor],
  ['PHP (EasySDK)', phpExtractor],
  ['Java (brace matching)', javaExtractor],
];
