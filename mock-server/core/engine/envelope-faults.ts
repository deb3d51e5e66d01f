/**
 * What a scenario's faults do to a response, for testing a client's own defences: an envelope cut
 * short, one without sign, one whose sign does not verify, and the HTML an overloaded gateway front
 * answers with a non-200 status.
 */
import type { FaultKind } from '../scenarios/scenario-rules.js';

export type EnvelopeFault = Extract<FaultKind, 'malformed-json' | 'missing-sign' | 'wrong-sign'>;
export type ConnectionFault = Extract<FaultKind, 'connection-reset' | 'connection-close'>;

export function isConnectionFault(fault: FaultKind): fault is ConnectionFault {
  return fault === 'connection-reset' || fault === 'connection-close';
}

/** The envelope cut inside the response node, as a response truncated in transit. */
export function truncatedEnvelope(envelope: string): string {
  return envelope.slice(0, Math.max(1, Math.floor(envelope.length / 2)));
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** The page a load balancer in front of the gateway answers with. */
export function statusPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
}
