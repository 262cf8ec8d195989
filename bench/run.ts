/** `npm run bench`: runs every benchmark and prints one table. Not a test: it never fails CI. */
import { benchRegistries } from './registries.js';
import { formatTable, type BenchRow } from './table.js';

const rows: BenchRow[] = [];
rows.push(...(await benchRegistries()));
console.log(formatTable(rows));
