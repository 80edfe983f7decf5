import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { aggregatesContract } from './contract/aggregates.js';
import { coordinationContract } from './contract/coordination.js';
import { improvementsContract } from './contract/improvements.js';
import { samplesContract } from './contract/samples.js';
import { silencesContract } from './contract/silences.js';

/**
 * What every Store must do, through its interface only: each repo's behaviour, ordering, limits,
 * transactions and conflict rules, one file per part (contract/). Run against each
 * implementation (sqlite-contract.test.ts, postgres-contract.test.ts), on a new store per test.
 */
export function storeContract(name: string, open: () => Promise<Store>) {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });
    const current = () => store;
    samplesContract(current);
    improvementsContract(current);
    aggregatesContract(current);
    coordinationContract(current);
    silencesContract(current);
  });
}
