/**
 * Synthetic people: real-looking and valid (region code, birth date, GB 11643 check digit, gender
 * digit, mobile), the same for the same seed, never a magic identity; and the CLI that prints them.
 */
import { describe, expect, it } from 'vitest';
import { REGION_CODES } from '../../fixtures/identities/region-codes.js';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import { residentIdProblem } from '../../mock-server/core/identity/resident-id.js';
import { asFixturePerson, FIXTURE_PEOPLE_COUNT, FIXTURE_PEOPLE_SEED, loadFixturePeople } from '../../mock-server/files/fixture-people.js';
import { runCli } from '../support/cli-process.js';

const REGIONS = new Map(REGION_CODES);

describe('generateIdentities', () => {
  const people = generateIdentities({ seed: 2026, count: 500 });

  it('gives the same people for the same seed, and others for another seed', () => {
    expect(generateIdentities({ seed: 2026, count: 500 })).toEqual(people);
    expect(generateIdentities({ seed: 2027, count: 500 })).not.toEqual(people);
  });

  it('gives each person a resident ID number that passes every check', () => {
    for (const person of people) expect(residentIdProblem(person.cert_no), person.cert_no).toBeUndefined();
  });

  it('builds the number from a real region code, the birth date, and a gender digit', () => {
    for (const person of people) {
      expect(REGIONS.get(person.cert_no.slice(0, 6))).toBe(person.region.name);
      expect(person.cert_no.slice(6, 14)).toBe(person.birth_date.replaceAll('-', ''));
      expect(Number(person.cert_no[16]) % 2).toBe(person.gender === 'male' ? 1 : 0);
    }
  });

  it('gives Chinese names, mainland mobile numbers and Alipay user ids', () => {
    for (const person of people) {
      expect(person.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
      expect(person.mobile).toMatch(/^1[3-9]\d{9}$/);
      expect(person.user_id).toMatch(/^2088\d{12}$/);
    }
  });

  it('never makes someone born on the magic identities\' 1900-01-01', () => {
    expect(people.some((p) => p.birth_date === '1900-01-01')).toBe(false);
  });

  it('makes distinct people', () => {
    expect(new Set(people.map((p) => p.cert_no)).size).toBeGreaterThan(495);
  });
});

describe('the identities command', () => {
  it('prints N people as JSON, the same for the same seed', () => {
    const run = () => runCli(['identities', '--count', '3', '--seed', '42']);
    const first = run();
    expect(first.status).toBe(0);
    const printed = JSON.parse(first.stdout);
    expect(printed).toEqual(generateIdentities({ seed: 42, count: 3 }));
    expect(JSON.parse(run().stdout)).toEqual(printed);
  });
});

describe('the fixture people a new sandbox knows', () => {
  it('are the synthetic people of their seed (run `npm run docs` when this fails)', () => {
    const expected = generateIdentities({ seed: FIXTURE_PEOPLE_SEED, count: FIXTURE_PEOPLE_COUNT }).map(asFixturePerson);
    expect(loadFixturePeople()).toEqual(expected);
  });
});
