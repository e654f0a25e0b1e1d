/** The Chromium launch settings live with the terminal runner, which needs them too. */
export { chromiumArgs, chromiumPath } from '../src/cli/chromium';
