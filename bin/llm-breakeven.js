#!/usr/bin/env node
// The command's entry point (`npm start`, `npm run llm-breakeven -- ...`, the package's bin): the
// TypeScript sources under plain node, transpiled once and cached (./ts-cache.js), every module's
// bytecode cached by V8 (./v8-cache.js), with the SDK's closure serialization and Automation API loaded
// only if used (./defer-sdk-deps.js). No build step.
"use strict";
require("./v8-cache").enable(require("path").join(require("./ts-cache").CACHE_DIR, "..", `v8-${process.version}-${process.arch}.bin`));
require("./defer-sdk-deps").deferSdkDeps();
require("./ts-cache").register();
require("../cli/main.ts").runCli(process.argv.slice(2));
