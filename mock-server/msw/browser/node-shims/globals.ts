/**
 * The one Node global the browser build needs: Buffer, which the reference client and the node:crypto
 * stand-in hand their bytes in. Nothing in the bundle reads `process`, so none is made up.
 */
export { Buffer } from 'buffer';
