#!/usr/bin/env node
// The published entry point: runs the compiled CLI when it exists (after `npm run build`), else the
// TypeScript sources through tsx.
"use strict";
const path = require("path");
const fs = require("fs");
const compiled = path.join(__dirname, "..", "dist", "cli", "main.js");
if (fs.existsSync(compiled)) {
    require(compiled);
} else {
    require("tsx/cjs");
    require(path.join(__dirname, "..", "cli", "main.ts"));
}
