/** `npm run bench`: runs every benchmark and prints one table. Not a test: it never fails CI. */
import { benchImport } from './import.js';
import { benchListing } from './listing.js';
import { benchRegistries } from './registries.js';
import { benchScale } from './scale.js';
import { benchServe } from './serve.js';
import { formatTable, type BenchRow } from './table.js';
import { benchVerify } from './verify.js';

/** `npm run bench [name] [-- --signatures N]`: the first argument names one benchmark. */
const only = process.argv[2]?.startsWith('--') ? undefined : process.argv[2];
const benches: Record<string, () => Promise<BenchRow[]>> = {
  registries: benchRegistries,
  import: benchImport,
  serve: benchServe,
  listing: benchListing,
  verify: benchVerify,
  // Issue 18's table in one run: the scale rows, then the import of 10,000 images × 2.
  scale: async () => [...(await benchScale()), ...(await benchImport())],
};
const rows: BenchRow[] = [];
for (const [name, bench] of Object.entries(benches)) {
  if (only && only !== name) continue;
  rows.push(...(await bench()));
}
console.log(formatTable(rows));
