#!/usr/bin/env node
import { runCli } from './run.js';

/** `npx meta-agent <command>`: the REST API from a terminal (see `meta-agent --help`). */
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
