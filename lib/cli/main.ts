#!/usr/bin/env node
import { run } from './run';

// The only place that ends the process.
run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`cloudtrail-alarms: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 3;
  },
);
