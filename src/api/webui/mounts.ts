/**
 * The web UIs the daemon serves, each one mount of the same UI (session, login page, layout,
 * assets, headers): the console (`/console`, reader; docs/console.md) and the dashboard
 * (`/admin`, admin; docs/operations.md). What differs between them is only this configuration
 * and their pages. Each has its own cookie, limited to its path, so a browser never sends the
 * console's cookie to the dashboard.
 */
import type { Role } from '../../auth/index.js';

export interface UiMount {
  /** Every page, the login page and the script live under it: `/console`, `/admin`. */
  readonly prefix: string;
  /** `<cookie>=<token>; Path=<prefix>; SameSite=Strict[; Secure]`, set by the script at login. */
  readonly cookie: string;
  /** The role its pages need (admin implies every role). */
  readonly role: Role;
  /** With auth.anonymousRead, its pages read without a token (as the API's read routes). */
  readonly anonymousRead: boolean;
  /** Who needs the role, in the 403 message: `the token "x" lacks the reader role the console needs`. */
  readonly name: string;
  /** The file name its script is served under: `<prefix>/static/<script>`. */
  readonly script: string;
  readonly login: {
    readonly heading: string;
    readonly label: string;
    /** The `sigmirror token create` command the hint names. */
    readonly command: string;
    /** Which roles do what, after the command in the hint (empty: the label says it). */
    readonly roles: string;
    /** The login page says how to create a token when the daemon accepts none. */
    readonly noTokensNotice: boolean;
  };
}

export const CONSOLE_UI: UiMount = {
  prefix: '/console',
  cookie: 'sigmirror_console',
  role: 'reader',
  anonymousRead: true,
  name: 'the console',
  script: 'console.js',
  login: {
    heading: 'Sign in',
    label: 'API token',
    command: 'sigmirror token create',
    roles: '; pages need the reader role, re-import the importer role, saved verifications the auditor role',
    noTokensNotice: true,
  },
};

export const ADMIN_UI: UiMount = {
  prefix: '/admin',
  cookie: 'sigmirror_admin',
  role: 'admin',
  anonymousRead: false,
  name: 'the dashboard',
  script: 'admin.js',
  login: {
    heading: 'Sign in to the dashboard',
    label: 'API token with the admin role',
    command: 'sigmirror token create --role admin',
    roles: '',
    noTokensNotice: false,
  },
};

/** Log out of one UI logs out of all: the token in the tab is one, so are their cookies. */
export const UI_MOUNTS: readonly UiMount[] = [CONSOLE_UI, ADMIN_UI];
