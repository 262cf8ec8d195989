/**
 * The store conformance suite again, with `groupCommit`: the same contract holds when concurrent
 * writes share their durability points (src/store/committer.ts).
 */
import { runStoreConformance } from '../conformance/store.js';
import { fsStoreFactory } from '../helpers/fs-store-factory.js';
import { needs } from '../helpers/needs.js';

const test = await needs({ redis: true });

runStoreConformance(test, fsStoreFactory({ groupCommit: true }), { filesWithoutMetadata: true });
