import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as http from 'http';
import * as net from 'net';

/** Whether moto_server (Python moto) is installed on this machine. */
export function haveMoto(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
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

export interface MotoServer {
  readonly endpoint: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a moto server process on a free loopback port (`-H 127.0.0.1 -p PORT` are appended to `args`) and waits
 * until it answers. Every moto harness of the tests starts its server here.
 */
export async function startMotoProcess(command: string, args: readonly string[] = [], timeoutMs = 60_000): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const proc: ChildProcess = spawn(command, [...args, '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const deadline = Date.now() + timeoutMs;
  while (!(await ping(endpoint))) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill();
      throw new Error(`${command} did not start within ${timeoutMs / 1000} s (exit code ${proc.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    reset: () =>
      new Promise((resolve, reject) => {
        const req = http.request(`${endpoint}/moto-api/reset`, { method: 'POST' }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', reject);
        req.end();
      }),
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill();
      }),
  };
}

/** Starts moto_server on a free loopback port and waits until it answers. */
export function startMoto(): Promise<MotoServer> {
  return startMotoProcess('moto_server', [], 30_000);
}

/**
 * One moto_server for the enclosing describe block: started before its tests, reset before each, stopped after.
 * The returned server may be used inside the tests and hooks of that block.
 */
export function useMotoServer(): MotoServer {
  let server: MotoServer | undefined;
  const started = () => {
    if (!server) throw new Error('moto_server is not started: use it inside the tests and hooks of the describe block');
    return server;
  };
  beforeAll(async () => {
    server = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    await started().reset();
  });
  return {
    get endpoint() {
      return started().endpoint;
    },
    reset: () => started().reset(),
    stop: () => started().stop(),
  };
}

/**
 * For test files that talk to moto_server: test credentials for the SDK, and `describe` where moto_server is
 * installed, else `describe.skip` with a line saying what is skipped and how to install it.
 */
export function describeWithMoto(what: string): jest.Describe {
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (haveMoto()) return describe;
  // eslint-disable-next-line no-console
  console.log(`skipping ${what}: moto_server is not installed (pip install "moto[server]")`);
  return describe.skip;
}
