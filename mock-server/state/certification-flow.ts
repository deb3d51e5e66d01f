/**
 * A certification's completion, where the admin core, the hosted page's completion and the package
 * entry import it from; the lifecycle itself is mock-server/flows/face-certification.ts.
 */
export { CertificationError, complete, type Completion } from '../flows/face-certification.js';
