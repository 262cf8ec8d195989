/** An option that cannot produce a working host configuration; the message names it and says why. */
export class HostConfigError extends Error {
  override readonly name = 'HostConfigError';
}
