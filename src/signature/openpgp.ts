/**
 * openpgp.js, loaded on first use: it is one of the largest modules (about 18 MB of RSS and a
 * noticeable part of start-up), and a process that only serves the mirror never verifies or signs.
 */
import type * as OpenPgp from 'openpgp';

let loading: Promise<typeof OpenPgp> | undefined;

/** The openpgp module; the first call imports it, every later one gets the same module. */
export function openpgpModule(): Promise<typeof OpenPgp> {
  return (loading ??= import('openpgp'));
}
