/**
 * Other spellings of a guarded path, as an attacker writes them: each names the same route to a
 * router that ignores case, reads absolute URLs by their path, folds slashes, removes dot segments,
 * takes `\` for `/` or decodes escapes. The guard must refuse every one it would serve.
 */

/** `path` is a guarded path in normal form, such as /__admin/reset; `authority` the sandbox's host:port. */
export function pathSpellings(path: string, authority: string): string[] {
  const [, prefix, rest] = /^\/(__admin|__sandbox)(\/.*)$/.exec(path)!;
  const escaped = (text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
  const upper = prefix!.toUpperCase();
  const mixed = prefix!.slice(0, 3) + prefix!.charAt(3).toUpperCase() + prefix!.slice(4);
  return [
    `/${upper}${rest}`,
    `/${mixed}${rest}`,
    `/${prefix}${rest!.toUpperCase()}`,
    `http://${authority}${path}`,
    `HTTP://${authority}/${upper}${rest}`,
    `http://evil.example/${prefix}${rest}`,
    `//${prefix}${rest}`,
    `///${upper}${rest}`,
    `/${prefix}/${rest}`,
    `/./${prefix}${rest}`,
    `/${prefix}/.${rest}`,
    `/x/../${prefix}${rest}`,
    `/gateway.do/../${prefix}${rest}`,
    `/v3/../${mixed}${rest}`,
    `/%2e%2e/${prefix}${rest}`,
    `/x/%2E%2E/${prefix}${rest}`,
    `/${escaped('__')}${prefix!.slice(2)}${rest}`,
    `/%5f_${prefix!.slice(2)}${rest}`,
    `/__${escaped(prefix!.charAt(2)).toLowerCase()}${prefix!.slice(3)}${rest}`,
    `/${prefix}${rest!.replace(/\/(\w)/, (_, c: string) => `/${escaped(c)}`)}`,
    `/${prefix}%2F${rest!.slice(1)}`,
    `${path}/`,
    `${path}//`,
    `/${prefix}${rest}?`,
    `\\${prefix}${rest!.replaceAll('/', '\\')}`,
    `/${prefix}\\${rest!.slice(1)}`,
    `/${upper}/./${rest!.slice(1).toUpperCase()}/`,
  ];
}

/** An app's own scenario as the admin core shows it, or null: what a PUT of its scenario would change. */
export function scenarioOf(sandbox: { readonly admin: { appScenario(appId: string): { scenario: unknown } } }, appId: string): string | null {
  try {
    return JSON.stringify(sandbox.admin.appScenario(appId).scenario);
  } catch {
    return null;
  }
}
