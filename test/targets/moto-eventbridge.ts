// moto_server for the EventBridge differential test, with one speed fix that leaves moto's matcher untouched.
//
// moto delivers every matched event to a target through EventTemplateParser.parse, which calls jsonpath_ng.ext.parse
// for each of eight input paths, and jsonpath_ng rebuilds its ply parse tables on every call (about 0.1 s each on
// these machines): a few thousand deliveries would take many minutes. The harness memoizes jsonpath_ng.ext.parse
// (a parsed path is immutable, so reusing it changes nothing) before starting moto's server. The pattern matching,
// EventPattern.matches_event, is moto's own code, unchanged.
import { spawnSync } from 'child_process';
import { MotoServer, startMotoProcess } from '../../cli/test/aws/moto-server';

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

export type MotoProcess = MotoServer;

/** Starts the patched moto server on a free loopback port and waits until it answers. */
export function startMotoForEventBridge(): Promise<MotoProcess> {
  return startMotoProcess('python3', ['-c', BOOT]);
}
