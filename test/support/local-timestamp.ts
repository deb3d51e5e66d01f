/**
 * Request timestamps as the Node SDK writes them: the client machine's local wall-clock time in
 * "yyyy-MM-dd HH:mm:ss". The sandbox only reads timestamps (mock-server/core/protocol/timestamp.ts);
 * tests write them.
 */
export function formatLocalTimestamp(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
