#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the package's prepare script).
import('../dist/src/cli/program.js')
  .then((cli) => cli.main(process.argv))
  .catch((err) => {
    const notBuilt = err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli/program.js');
    console.error(notBuilt ? 'kiln: not built yet; run `npm install` or `npm run build` first' : `kiln: ${err && err.message ? err.message : err}`);
    process.exit(1);
  });
