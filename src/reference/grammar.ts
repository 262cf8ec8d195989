/**
 * The docker reference grammar, as containers/image 5.23 vendors it (docker/reference/regexp.go).
 * Keep in sync with docs/spec/registries-d.md §Scopes and distribution/reference.
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [domain '/'] path-component ['/' path-component]*
 *   domain    := domain-component ['.' domain-component]* [':' port-number]
 */

const alphaNumeric = '[a-z0-9]+';
/**
 * `.`, `_`, `__` or a run of `-` separate alphanumerics inside a path component.
 * containers/image writes `[-]*` (Go's RE2 is linear whatever the pattern); an empty separator
 * between two alphanumeric runs adds no string to the language, but in a backtracking engine it
 * lets `aaaa…!` split in exponentially many ways (issue: hostile input). `-+` accepts exactly
 * the same names, and every repetition must now start with a non-alphanumeric character.
 */
const separator = '(?:[._]|__|-+)';
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;

/** Whole reference, capturing name, tag and digest. */
export const referenceRegexp = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);
/** A bare 64-hex identifier, which is never a valid repository name. */
export const anchoredIdentifierRegexp = /^[a-f0-9]{64}$/;
/** A tag on its own. */
export const anchoredTagRegexp = new RegExp(`^${tag}$`);
/** One repository path component (also used to validate store paths). */
export const anchoredPathComponentRegexp = new RegExp(`^${pathComponent}$`);
/** A registry host with optional port. */
export const anchoredDomainRegexp = new RegExp(`^${domain}$`);

/** Longest repository name (domain included) that the grammar allows. */
export const NAME_TOTAL_LENGTH_MAX = 255;
/** Docker Hub's canonical host name and the names that mean it. */
export const DEFAULT_DOMAIN = 'docker.io';
export const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
/** Docker Hub's namespace for single-component names (`busybox` → `library/busybox`). */
export const OFFICIAL_REPOSITORIES_NAME = 'library';
