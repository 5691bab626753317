#!/usr/bin/env node
import * as fs from 'fs';
import { run } from './commands/run';
import type { FileIdentity } from './logs';

/** What file descriptor 0 is (so that `-` and `/dev/stdin` are read once); undefined when it cannot be told. */
function stdinIdentity(): FileIdentity | undefined {
  try {
    const s = fs.fstatSync(0);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return undefined;
  }
}

// The only place that ends the process.
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, stdinIdentity: stdinIdentity() };
run(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`cloudtrail-alarms: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 3;
  },
);
