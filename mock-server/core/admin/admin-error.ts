/** The refusals of admin operations, and the HTTP status each carries. */

/**
 * A refusal of the admin core's own checks. Every refusal an admin operation throws carries the
 * status a transport answers it with, one way: this, AppRegistrationError, CertificationError and
 * ScenarioLoadError (which also has the `path` in the document) all have `status`.
 */
export class AdminError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** The status an admin refusal carries, or undefined for a failure of the sandbox itself. */
export function refusalStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
