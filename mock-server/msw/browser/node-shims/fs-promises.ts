/** node:fs/promises for the browser build: the browser sandbox keeps its state in memory, so nothing is written. */
export const appendFile = async (): Promise<void> => undefined;
export const writeFile = async (): Promise<void> => undefined;
