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
    // A closed world admits a known person only with their own details. In an open one the methods
    // whose page documents the match (inner.apply) check it themselves, with detailsMismatch.
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

/**
 * Which of the claimed name and mobile differ from those of the person the sandbox knows under this
 * cert_no (fixture, admin-added, or first seen in an earlier call), as a sentence; undefined when they
 * match or nobody is known. One resident ID number is one person, whatever the world.
 */
export function detailsMismatch(state: SandboxStore, claimed: ClaimedIdentity): string | undefined {
  const known = state.person(claimed.cert_no.toUpperCase());
  if (!known) return undefined;
  const differing = [
    ...(known.name === claimed.name ? [] : ['name']),
    ...(claimed.mobile === undefined || known.mobile === '' || known.mobile === claimed.mobile ? [] : ['mobile']),
  ];
  if (!differing.length) return undefined;
  return `the Alipay member with cert_no ${known.cert_no} has another ${differing.join(' and ')} (GET /__admin/identities shows the people the sandbox knows)`;
}
