// moto_server for the EventBridge differential test, with one speed fix that leaves moto's matcher untouched.
//
// moto delivers every matched event to a target through EventTemplateParser.parse, which calls jsonpath_ng.ext.parse
// for each of eight input paths, and jsonpath_ng rebuilds its ply parse tables on every call (about 0.1 s each on
// these machines): a few thousand deliveries would take many minutes. The harness memoizes jsonpath_ng.ext.parse
// (a parsed path is immutable, so reusing it changes nothing) before starting moto's server. The pattern matching,
// EventPattern.matches_event, is moto's own code, unchanged.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as http from 'http';
import * as net from 'net';

const BOOT = [
  'import functools, sys',
  'import jsonpath_ng.ext',
  'jsonpath_ng.ext.parse = functools.lru_cache(maxsize=None)(jsonpath_ng.ext.parse)',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

/** Whether Python's moto (with jsonpath_ng) is importable. */
export function haveMotoPython(): boolean {
  return spawnSync('python3', ['-c', 'import moto.server, jsonpath_ng.ext'], { stdio: 'ignore' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function ping(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/moto-api/`, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(500, () => {
      req.destroy();
      resolve(false);
    });
  });
}

export interface MotoProcess {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts the patched moto server on a free loopback port and waits until it answers. */
export async function startMotoForEventBridge(): Promise<MotoProcess> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const proc: ChildProcess = spawn('python3', ['-c', BOOT, '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while (!(await ping(endpoint))) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill();
      throw new Error(`moto server did not start within 60 s (exit code ${proc.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill();
      }),
  };
}
