/** node:fs/promises for the browser build: the browser sandbox keeps its state in memory, so nothing is opened or written. */
const inMemoryOnly = async (): Promise<never> => {
  throw new Error('the browser sandbox keeps its state in memory');
};
export const open = inMemoryOnly;
export const rename = inMemoryOnly;
export const unlink = inMemoryOnly;
