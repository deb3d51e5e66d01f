/**
 * A consumer's pact written one interaction at a time, then joined. PactV3 writes its pact file after
 * every test, merging the interaction into the file on disk: for our 230-odd interactions that read,
 * merged and wrote a file of up to 900 KB each time, 5.6 of the consumer run's 10 CPU-s. Each test's
 * PactV3 writes to a folder of its own instead, and the files are joined once, as Pact joins them:
 * interactions sorted by description, an identical one kept once, two that differ under one
 * description and provider states refused; keys sorted, two-space indent.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PactV3, type PactV3Options } from '@pact-foundation/pact';

interface PactFile {
  readonly consumer: { readonly name: string };
  readonly provider: { readonly name: string };
  readonly interactions: ReadonlyArray<{ readonly description: string; readonly providerStates?: unknown }>;
  readonly metadata: unknown;
}

/** JSON text with every object's keys sorted, as Pact's writer orders them. */
function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sort(x)])) : v;
  return JSON.stringify(sort(value), null, 2);
}

export interface InteractionPacts {
  /** A PactV3 for one test's interaction, writing to a folder of its own. */
  next(): PactV3;
  /** Joins what the tests wrote into `dir`'s pact file, and removes their folders. */
  join(dir: string): void;
}

export function interactionPacts(options: Omit<PactV3Options, 'dir'>): InteractionPacts {
  const root = mkdtempSync(join(tmpdir(), 'pact-interactions-'));
  let count = 0;
  return {
    next: () => new PactV3({ ...options, dir: join(root, String(count++)) }),
    join(dir) {
      try {
        const files = readdirSync(root).flatMap((sub) => readdirSync(join(root, sub)).map((name) => join(root, sub, name)));
        const pacts = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as PactFile);
        if (pacts.length === 0) return;
        const byKey = new Map<string, PactFile['interactions'][number]>();
        for (const interaction of pacts.flatMap((pact) => pact.interactions)) {
          const key = `${interaction.description}\n${JSON.stringify(interaction.providerStates ?? [])}`;
          const known = byKey.get(key);
          if (known && sortedJson(known) !== sortedJson(interaction)) throw new Error(`two different interactions are described as "${interaction.description}" with the same provider states`);
          byKey.set(key, interaction);
        }
        const interactions = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, interaction]) => interaction);
        const { consumer, provider, metadata } = pacts[0]!;
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${consumer.name}-${provider.name}.json`), sortedJson({ consumer, interactions, metadata, provider }));
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
