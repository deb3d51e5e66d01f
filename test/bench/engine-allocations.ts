/**
 * How many bytes of JavaScript heap the engine allocates a request, and where: V8's sampling heap
 * profiler, keeping the samples of objects the garbage collector has since freed (most of a request's
 * objects die young). Unlike CPU time on this shared machine, it hardly moves from run to run, so it
 * shows what a change to the request path did to its copies and allocations.
 */
import { Session } from 'node:inspector/promises';

/** One sample in about this many bytes allocated: fine enough for sites of a few hundred bytes a request. */
const SAMPLING_INTERVAL_BYTES = 512;

interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

export interface AllocationProfile {
  readonly bytesPerCall: number;
  /** The functions that allocated most, with their bytes a call, the largest first. */
  readonly top: readonly { readonly site: string; readonly bytesPerCall: number }[];
}

/** Runs `calls` calls of `run` (one at a time) under the sampling heap profiler. */
export async function allocationsPerCall(calls: number, run: (call: number) => Promise<void>, topCount = 3): Promise<AllocationProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL_BYTES,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let call = 0; call < calls; call++) await run(call);
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };
    const bySite = new Map<string, number>();
    let total = 0;
    const visit = (node: SamplingNode): void => {
      const { functionName, url } = node.callFrame;
      const site = `${functionName || '(anonymous)'} (${url.split('/').at(-1) || 'native'})`;
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      total += node.selfSize;
      node.children.forEach(visit);
    };
    visit(profile.head);
    const top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, topCount).map(([site, bytes]) => ({ site, bytesPerCall: bytes / calls }));
    return { bytesPerCall: total / calls, top };
  } finally {
    session.disconnect();
  }
}
