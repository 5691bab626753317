// moto_server for the real-time end-to-end test, with EventBridge's input transformer made to behave as AWS documents.
//
// moto 5's EventTemplateParser inserts every extracted string raw, so the InputTemplate CDK writes for
// `RuleTargetInput.fromObject` (`{"id":<id>,"region":<region>,...}`) becomes invalid JSON and the delivery fails. AWS
// documents ("Simple JSON" in "Amazon EventBridge input transformation") that a placeholder standing as a JSON value
// receives the value as JSON (`"instance": <instance>` -> `"instance": "i-0123456789"`), while inside a string literal
// the raw text is inserted. moto also keeps the envelope's `time` as epoch seconds where AWS has an ISO-8601 string
// (`2015-11-11T21:29:54Z`). The boot script below replaces EventTemplateParser.parse by that documented behaviour and
// memoizes jsonpath_ng.ext.parse (as test/targets/moto-eventbridge.ts does, for speed). Pattern matching
// (EventPattern.matches_event), rules, targets, SQS and SNS are moto's own code, unchanged.
import { spawnSync } from 'child_process';
import { MotoServer, startMotoProcess } from '../../../cli/test/aws/moto-server';

const BOOT = String.raw`
import datetime, functools, json, sys
import jsonpath_ng.ext
jsonpath_ng.ext.parse = functools.lru_cache(maxsize=None)(jsonpath_ng.ext.parse)
from moto.events import utils as event_utils

_moto_parse = event_utils.EventTemplateParser.parse

def _aws_parse(input_template, input_paths_map, event):
    if not input_template or not input_paths_map:
        return _moto_parse(input_template, input_paths_map, event)
    event = dict(event)
    if isinstance(event.get("time"), (int, float)):
        event["time"] = datetime.datetime.fromtimestamp(float(event["time"]), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = {}
    for name, path in input_paths_map.items():
        found = jsonpath_ng.ext.parse(path).find(event)
        if found:
            values[name] = found[0].value
    out, i, in_string, t = [], 0, False, input_template
    while i < len(t):
        c = t[i]
        if in_string and c == "\\":
            out.append(t[i:i + 2])
            i += 2
            continue
        if c == '"':
            in_string = not in_string
        elif c == "<":
            j = t.find(">", i)
            name = t[i + 1:j] if j > i else None
            if name in values:
                v = values[name]
                out.append(v if in_string and isinstance(v, str) else json.dumps(v))
                i = j + 1
                continue
        out.append(c)
        i += 1
    return json.loads("".join(out))

event_utils.EventTemplateParser.parse = staticmethod(_aws_parse)
from moto.server import main
main(sys.argv[1:])
`;

/** Whether Python's moto (with jsonpath_ng) is importable. */
export function haveMotoPython(): boolean {
  return spawnSync('python3', ['-c', 'import moto.server, moto.events.utils, jsonpath_ng.ext'], { stdio: 'ignore' }).status === 0;
}

export type MotoProcess = MotoServer;

/** Starts the patched moto server on a free loopback port and waits until it answers. */
export function startMotoWithAwsInputTransformer(): Promise<MotoProcess> {
  return startMotoProcess('python3', ['-c', BOOT]);
}
