#!/usr/bin/env node
// The command's entry point (`npm start`, `npm run llm-breakeven -- ...`, the package's bin): the
// TypeScript sources under plain node, transpiled once and cached (./ts-cache.js). No build step.
"use strict";
require("./ts-cache").register();
require("../cli/main.ts").runCli(process.argv.slice(2));
