/**
 * The people a new sandbox knows: twenty synthetic identities (seed 1), kept as a committed JSON file
 * so that starting a sandbox does not load faker. `npm run docs` writes the file; a test checks it.
 */
import { readFileSync } from 'node:fs';
import type { SyntheticIdentity } from '../../fixtures/identities/synthetic-identities.js';
import { packagePath } from '../package-root.js';
import type { Person } from '../core/state/sandbox-store.js';

export const FIXTURE_PEOPLE_SEED = 1;
export const FIXTURE_PEOPLE_COUNT = 20;
export const FIXTURE_PEOPLE_FILE = packagePath('fixtures', 'identities', 'fixture-people.json');

export function asFixturePerson(identity: SyntheticIdentity): Person {
  const { name, cert_type, cert_no, mobile, user_id } = identity;
  return { name, cert_type, cert_no, mobile, user_id, source: 'fixture' };
}

export function loadFixturePeople(): Person[] {
  return JSON.parse(readFileSync(FIXTURE_PEOPLE_FILE, 'utf8')) as Person[];
}
