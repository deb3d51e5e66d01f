/** node:url for the browser build. */
export const fileURLToPath = (url: string | URL): string => new URL(String(url)).pathname;
export const pathToFileURL = (path: string): URL => new URL(`file://${path}`);
