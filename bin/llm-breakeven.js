#!/usr/bin/env node
// The command's entry point (`npm start`, `npm run llm-breakeven -- ...`, the package's bin): the
// TypeScript sources under plain node, transpiled once and cached (./ts-cache.js), every module's
// bytecode cached by V8 (./v8-cache.js), where require found each installed module cached
// (./resolve-cache.js), with the SDK's closure serialization and Automation API loaded only if
// used (./defer-sdk-deps.js). No build step.
"use strict";
const path = require("path");
const { CACHE_ROOT } = require("./ts-cache");
require("./resolve-cache").enable(path.join(CACHE_ROOT, `resolve-${process.version}.json`), path.resolve(__dirname, ".."));
require("./v8-cache").enable(path.join(CACHE_ROOT, `v8-${process.version}-${process.arch}.bin`));
require("./defer-sdk-deps").deferSdkDeps();
require("./ts-cache").register();
require("../cli/main.ts").runCli(process.argv.slice(2));
