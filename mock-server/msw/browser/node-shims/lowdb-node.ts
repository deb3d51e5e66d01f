/** lowdb/node for the browser build: the browser sandbox keeps everything in memory. */
export class JSONFile {
  constructor() {
    throw new Error('the browser sandbox keeps its state in memory');
  }
}
