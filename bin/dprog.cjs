#!/usr/bin/env node
// The `dprog` command: the bundled CLI (built by `npm run build`).
require('../out/cli/main.cjs').main();
