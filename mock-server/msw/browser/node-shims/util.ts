/** node:util for the browser build: browsers decode gbk with their own TextDecoder. */
export const TextDecoder = globalThis.TextDecoder;
