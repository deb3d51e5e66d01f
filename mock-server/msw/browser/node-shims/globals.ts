/** Globals Node code expects, injected into the browser build. */
export { Buffer } from 'buffer';
export const process = { env: { NODE_ENV: 'development' }, version: '', versions: {}, platform: 'browser', nextTick: (fn: () => void) => queueMicrotask(fn) };
