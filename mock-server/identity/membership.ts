/**
 * Who is an Alipay member. By default the world is open: every well-formed identity is a member, like
 * a card sandbox where any valid number works (the magic identities aside). A scenario can close it
 * (`members: closed`): then only the people the sandbox knows (fixture people, and those added through
 * the admin API) are members, and only with their own name and mobile.
 */
import { alipayUserId } from '../methods/generated-ids.js';
import type { Person, SandboxStore } from '../state/sandbox-store.js';

export type Membership = 'open' | 'closed';

export interface ClaimedIdentity {
  readonly cert_no: string;
  readonly name: string;
  readonly mobile?: string;
}

/** The member these elements name, or undefined when they name none. */
export function memberFor(state: SandboxStore, membership: Membership, claimed: ClaimedIdentity): Person | undefined {
  const certNo = claimed.cert_no.toUpperCase();
  const stored = state.person(certNo);
  // People first seen granting in an open world are not members of a closed one.
  const known = membership === 'closed' && stored?.source === 'authorization' ? undefined : stored;
  if (known) {
    const matches = known.name === claimed.name && (claimed.mobile === undefined || known.mobile === claimed.mobile);
    // In an open world a stranger's details are taken at their word; a known person's must match.
    return matches || membership === 'open' ? known : undefined;
  }
  if (membership === 'closed') return undefined;
  return {
    name: claimed.name,
    cert_type: 'IDENTITY_CARD',
    cert_no: certNo,
    mobile: claimed.mobile ?? '',
    user_id: alipayUserId('person', certNo),
    source: 'authorization',
  };
}
