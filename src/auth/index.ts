export { TokenSet, tokenHash, ROLES, type Role, type Principal } from './tokens.js';
export { TokensWatcher } from './watch.js';
