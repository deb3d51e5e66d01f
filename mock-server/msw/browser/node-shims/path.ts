/** node:path for the browser build: only what the sandbox core's imports touch. */
export const join = (...parts: string[]): string => parts.join('/').replace(/\/+/g, '/');
export const resolve = (...parts: string[]): string => join(...parts);
export const dirname = (path: string): string => path.slice(0, path.lastIndexOf('/'));
export const relative = (_from: string, to: string): string => to;
export default { join, resolve, dirname, relative };
