/**
 * Differential test of lib/targets/eventbridge.ts against an independent matcher: moto's EventBridge (moto_server).
 * moto does not implement TestEventPattern, so each compiled pattern becomes a rule on the default bus with an SQS
 * queue as its target, every record is sent with PutEvents wrapped as CloudTrail's EventBridge event (10 per call),
 * and the queues say which records each rule matched. That verdict must equal the engine's
 * (compile(parse(pattern)).matchesParsed(record)) for every detection of every profile (and the scoped tamper
 * patterns) over every catalogue fixture and every record of the shared corpus, wherever a pattern was produced.
 * Disagreements that are moto's fault are listed in MOTO_FAULTS with the reason; none may be hidden elsewhere.
 * The agreement figures are printed.
 */
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { asEventBridgeEntry, fixtureRecords, NamedRecord, sharedRecords } from './cloudtrail-events';
import { haveMotoPython, MotoProcess, startMotoForEventBridge } from './moto-eventbridge';
import { DetectionCatalogue, DetectionProfile } from '../../lib';
import { scopeTamperPattern, TAMPER_DETECTION_IDS } from '../../lib/catalogue/tamper-scope';
import { compile, parse } from '../../lib/pattern';
import { toEventPattern } from '../../lib/targets/eventbridge';

jest.setTimeout(240_000);

const MOTO = haveMotoPython();
if (!MOTO) {
  // eslint-disable-next-line no-console
  console.warn('\n*** SKIPPED: moto_server is not installed, so the EventBridge differential test did NOT run. ***\n');
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/**
 * Disagreements that are moto's fault, each with the reason. A disagreement not listed here fails the test.
 * `pattern` is matched against the label of the detection, `where` against the record's origin.
 */
const MOTO_FAULTS: ReadonlyArray<{ readonly detection: RegExp; readonly where: RegExp; readonly why: string }> = [];

/** Scope for the tamper patterns, naming resources that occur in the corpus so the scoped rules have positives. */
const SCOPE = {
  trailNames: ['stratus-red-team-ct-stop-trail-buykxbqejv', 'example-trail'],
  trailArns: ['arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail'],
  logGroupNames: ['CloudTrail/alarms'],
  alarmNamePrefixes: ['RootAccount'],
  topicArns: ['arn:aws:sns:us-east-1:111122223333:alarms-high'],
  keyArns: ['arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
  keyIds: ['1'],
  functionNames: ['production-api', 'stratus-red-team-lambda-layer-simpleLambda'],
};

/** Extra patterns that exercise the compiler's shapes ($or across fields, !=, NOT EXISTS, IS NULL, booleans, globs). */
const EXTRA = [
  '{ ($.errorCode = "AccessDenied*") || ($.userIdentity.type = "Root") }',
  '{ ($.eventSource = s3.amazonaws.com) && ($.eventName != "GetObject") && ($.eventName != "HeadObject") }',
  '{ ($.userIdentity.invokedBy NOT EXISTS) && ($.readOnly = false) && ($.userAgent = "*aws-cli*") }',
  '{ ($.errorCode = "*Denied*") && (($.eventSource = "iam.amazonaws.com") || ($.sourceIPAddress = "AWS Internal")) }',
  '{ ($.userIdentity.sessionContext.attributes.mfaAuthenticated = "false") && ($.managementEvent IS TRUE) }',
  '{ ($.errorMessage IS NULL) || ($.eventName = "ConsoleLogin" && $.responseElements.ConsoleLogin != "Success") }',
  '{ (($.eventName = "Create*") || ($.eventName = "Delete*")) && (($.awsRegion = "us-*") || ($.recipientAccountId = 123456789012)) }',
  '{ ($.eventName = "ConsoleLogin" || $.errorCode = "AccessDenied") && ($.eventName = "GetObject" || $.userIdentity.type = "Root") }',
];

interface Detection {
  readonly label: string;
  readonly pattern: string;
}

function detections(): Detection[] {
  const out: Detection[] = [];
  for (const profile of DetectionProfile.all()) {
    for (const d of DetectionCatalogue.list(profile)) out.push({ label: `${profile.name}/${d.id}`, pattern: d.pattern });
  }
  for (const id of TAMPER_DETECTION_IDS) out.push({ label: `scoped/${id}`, pattern: scopeTamperPattern(id, SCOPE).pattern });
  EXTRA.forEach((pattern, i) => out.push({ label: `extra/${i + 1}`, pattern }));
  return out;
}

(MOTO ? describe : describe.skip)('EventBridge twins agree with the engine on moto_server (skipped, loudly, without moto)', () => {
  let moto: MotoProcess;
  beforeAll(async () => {
    moto = await startMotoForEventBridge();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  test('every detection of every profile, over every fixture and every record of the shared corpus', async () => {
    const cfg = { region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const events = new EventBridgeClient(cfg);
    const sqs = new SQSClient(cfg);
    const records: NamedRecord[] = [...fixtureRecords(), ...sharedRecords()];
    const all = detections();

    // one rule per distinct compiled pattern
    const refused: Array<{ label: string; reason: string }> = [];
    const ruleOf = new Map<string, number>(); // event pattern JSON -> rule index
    const compiled: Array<{ label: string; pattern: string; rule: number }> = [];
    for (const d of all) {
      const r = toEventPattern(d.pattern);
      if (!r.ok) {
        refused.push({ label: d.label, reason: r.reason });
        continue;
      }
      const json = JSON.stringify(r.eventPattern);
      if (!ruleOf.has(json)) ruleOf.set(json, ruleOf.size);
      compiled.push({ label: d.label, pattern: d.pattern, rule: ruleOf.get(json)! });
    }
    const queueUrls: string[] = [];
    for (const [json, i] of ruleOf) {
      const q = await sqs.send(new CreateQueueCommand({ QueueName: `twin-${i}` }));
      queueUrls[i] = q.QueueUrl!;
      await events.send(new PutRuleCommand({ Name: `twin-${i}`, EventPattern: json, State: 'ENABLED' }));
      await events.send(
        new PutTargetsCommand({ Rule: `twin-${i}`, Targets: [{ Id: 'queue', Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:twin-${i}` }] }),
      );
    }

    // send every record, 10 per PutEvents call; the record's index travels in `resources`
    for (let at = 0; at < records.length; at += 10) {
      const batch = records.slice(at, at + 10).map((r, k) => asEventBridgeEntry(r.record, `urn:differential:record/${at + k}`));
      const res = await events.send(new PutEventsCommand({ Entries: batch }));
      expect([at, res.FailedEntryCount ?? 0]).toEqual([at, 0]);
    }

    // read every queue
    const matchedBy: Array<Set<number>> = [];
    for (const [, i] of ruleOf) {
      const seen = new Set<number>();
      for (;;) {
        const m = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrls[i], MaxNumberOfMessages: 10, VisibilityTimeout: 900, WaitTimeSeconds: 0 }),
        );
        if (!m.Messages || m.Messages.length === 0) break;
        for (const msg of m.Messages) {
          const event = JSON.parse(msg.Body!) as { resources: string[] };
          const index = Number(/record\/(\d+)$/.exec(event.resources[0])![1]);
          expect(seen.has(index)).toBe(false); // nothing delivered twice
          seen.add(index);
        }
      }
      const left = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrls[i], AttributeNames: ['ApproximateNumberOfMessages'] }));
      expect(Number(left.Attributes?.ApproximateNumberOfMessages ?? 0)).toBe(0);
      matchedBy[i] = seen;
    }

    // compare
    let pairs = 0;
    let agree = 0;
    let positives = 0;
    let excused = 0;
    const disagreements: string[] = [];
    for (const c of compiled) {
      const engine = compile(parse(c.pattern));
      records.forEach((r, index) => {
        pairs++;
        const expected = engine.matchesParsed(r.record);
        const got = matchedBy[c.rule].has(index);
        if (expected) positives++;
        if (expected === got) {
          agree++;
          return;
        }
        const fault = MOTO_FAULTS.find((f) => f.detection.test(c.label) && f.where.test(r.where));
        if (fault) excused++;
        else disagreements.push(`${c.label} on ${r.where}: engine ${expected}, EventBridge (moto) ${got}`);
      });
    }

    const profiles = DetectionProfile.all().map((p) => {
      const list = DetectionCatalogue.list(p);
      const ok = list.filter((d) => toEventPattern(d.pattern).ok).length;
      return `${p.name} ${ok}/${list.length}`;
    });
    // eslint-disable-next-line no-console
    console.log(
      [
        'EventBridge twins vs the engine (moto_server):',
        `  patterns produced per profile: ${profiles.join(', ')}`,
        `  ${compiled.length} detections compiled (${ruleOf.size} distinct rules), ${refused.length} refused${refused.length ? ':' : ''}`,
        ...refused.map((r) => `    ${r.label}: ${r.reason}`),
        `  ${records.length} records (fixtures and shared corpus), ${pairs} detection x record verdicts, ${positives} engine matches`,
        `  agreement: ${agree}/${pairs} (${((100 * agree) / pairs).toFixed(2)}%), ${excused} excused as moto faults, ${disagreements.length} unexplained`,
      ].join('\n'),
    );
    expect(disagreements).toEqual([]);
    expect(excused).toBe(0);
    // the catalogue's own detections all compile; only the extra shapes may be refused
    expect(refused.filter((r) => !r.label.startsWith('extra/'))).toEqual([]);
    expect(positives).toBeGreaterThan(500);
  });
});
