#!/usr/bin/env node
import { runCli } from './run.js';

/**
 * `npx meta-agent <command>`: the REST API from a terminal (see `meta-agent --help`);
 * `npx meta-agent serve` runs the built server as it is, without building (for services).
 */
if (process.argv[2] === 'serve' && process.argv.length === 3) await import('../main.js');
else process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
