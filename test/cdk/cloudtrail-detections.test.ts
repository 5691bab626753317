import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import {
  CloudTrailAlarms,
  CloudTrailDetections,
  ConsoleSignInMfa,
  ConsoleSignInOutcome,
  DetectionCatalogue,
  DetectionId,
  DetectionProfile,
  LogFilterPattern,
} from '../../lib';
import { FIXTURES } from '../../lib/catalogue/fixtures';
import { PATTERNS } from '../../lib/catalogue/patterns';
import { scopeTamperPattern } from '../../lib/catalogue/tamper-scope';
import { catalogueJson } from '../../lib/filters/catalogue-document';
import { builderCall, DETECTION_BUILDERS } from '../../lib/filters/detection-builders';

type Builder = (options?: any) => LogFilterPattern;
const builderOf = (id: string): Builder => {
  const spec = DETECTION_BUILDERS[id as DetectionId];
  if (!spec) throw new Error(`no builder for ${id}`);
  return ((CloudTrailDetections as any)[spec.method] as Builder).bind(CloudTrailDetections);
};

/** The fixture of a detection with this name (names are unique per detection). */
const fixture = (id: DetectionId, name: string) => {
  const found = FIXTURES[id].find((f) => f.name === name);
  if (!found) throw new Error(`no fixture '${name}' for ${id}`);
  return JSON.stringify(found.record);
};

const corpus: Array<{ file: string; line: number; record: Record<string, any> }> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'filters', 'corpus-records.json'), 'utf8'),
).records;
const corpusRecord = (file: string, line: number) => {
  const found = corpus.find((r) => r.file.endsWith(file) && r.line === line);
  if (!found) throw new Error(`no corpus record ${file}:${line}`);
  return JSON.stringify(found.record);
};

/** The pattern CloudTrailAlarms deploys for one detection with these props. */
const deployed = (id: string, props: Record<string, unknown>) => {
  const stack = new Stack(new App(), 'S');
  const alarms = new CloudTrailAlarms(stack, 'A', { emailAddresses: ['secops@example.com'], ...props });
  return alarms.detection(id).pattern.logPatternString;
};

describe('CloudTrailDetections: default output is the catalogue string', () => {
  test('every catalogue detection has a builder', () => {
    expect(DetectionCatalogue.ids().filter((id) => !DETECTION_BUILDERS[id as DetectionId])).toEqual([]);
  });

  const cases = DetectionProfile.all().flatMap((profile) =>
    DetectionCatalogue.list(profile)
      .filter((d) => DETECTION_BUILDERS[d.id as DetectionId])
      .map((d) => [profile.name, d.id, d.pattern] as const),
  );
  test.each(cases)('profile %s: %s is byte-identical', (profileName, id, pattern) => {
    const built = builderOf(id)({ profile: DetectionProfile.of(profileName) });
    expect(built.logPatternString).toBe(pattern);
    expect(CloudTrailDetections.of(id, { profile: DetectionProfile.of(profileName) }).logPatternString).toBe(pattern);
  });

  test.each(DetectionCatalogue.list().map((d) => [d.id, d.pattern] as const))('without options, %s is the recommended string', (id, pattern) => {
    expect(builderOf(id)().logPatternString).toBe(pattern);
  });

  test('a detection outside the profile uses the recommended string, as CloudTrailAlarms does', () => {
    const built = CloudTrailDetections.ec2InstanceChanges({ profile: DetectionProfile.SECURITY_HUB });
    expect(built.logPatternString).toBe(DetectionCatalogue.get('ec2-instance-changes').pattern);
    expect(built.logPatternString).toBe(deployed('ec2-instance-changes', { profile: DetectionProfile.SECURITY_HUB, overrides: [{ id: DetectionId.EC2_INSTANCE_CHANGES, enabled: true }] }));
  });

  test("each builder's doc comment names the graders its default output passes", () => {
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'cdk', 'cloudtrail-detections.ts'), 'utf8');
    for (const d of DetectionCatalogue.list()) {
      const method = DETECTION_BUILDERS[d.id as DetectionId]!.method;
      const at = source.indexOf(`public static ${method}(`);
      const doc = /Default output passes: ([^.(]*)[.(]/.exec(source.slice(source.lastIndexOf('Default output passes:', at), at));
      const claimed = doc?.[1].replace(/\s*\*\s*/g, ' ').split(',').map((g) => g.trim()).filter((g) => g && g !== 'none');
      expect([d.id, claimed]).toEqual([d.id, d.graders]);
    }
  });
});

describe('CloudTrailDetections: options change the pattern as documented', () => {
  test('securityGroupChanges: modifySecurityGroupRules switches to the Prowler/Steampipe string', () => {
    const modify = fixture(DetectionId.SECURITY_GROUP_CHANGES, 'ModifySecurityGroupRules');
    const ingress = fixture(DetectionId.SECURITY_GROUP_CHANGES, 'CreateSecurityGroup');
    const plain = CloudTrailDetections.securityGroupChanges();
    const withModify = CloudTrailDetections.securityGroupChanges({ modifySecurityGroupRules: true });
    expect([plain.matches(modify), plain.matches(ingress)]).toEqual([false, true]);
    expect([withModify.matches(modify), withModify.matches(ingress)]).toEqual([true, true]);
    expect(withModify.logPatternString).toBe(PATTERNS[DetectionId.SECURITY_GROUP_CHANGES].prowler);
    // the profile's own string wins when it already has the property
    expect(CloudTrailDetections.securityGroupChanges({ profile: DetectionProfile.CIS_5_0, modifySecurityGroupRules: true }).logPatternString).toBe(
      PATTERNS[DetectionId.SECURITY_GROUP_CHANGES].cis50,
    );
    // and `false` in a profile whose string has it gives the Security Hub string
    const without = CloudTrailDetections.securityGroupChanges({ profile: DetectionProfile.PROWLER, modifySecurityGroupRules: false });
    expect(without.logPatternString).toBe(PATTERNS[DetectionId.SECURITY_GROUP_CHANGES].securityHub);
    expect(without.matches(modify)).toBe(false);
  });

  test('authorizationFailures: cisExclusions leaves out log-delivery HeadBucket probes; exclusions.eventSources leaves out services', () => {
    const probe = fixture(DetectionId.AUTHORIZATION_FAILURES, 'HeadBucket denied for the log delivery service');
    const s3Denied = fixture(DetectionId.AUTHORIZATION_FAILURES, 'AccessDenied on GetObject');
    const iamDenied = fixture(DetectionId.AUTHORIZATION_FAILURES, 'AccessDeniedException from IAM');
    const sh = CloudTrailDetections.authorizationFailures();
    const cis = CloudTrailDetections.authorizationFailures({ cisExclusions: true });
    expect([sh.matches(probe), sh.matches(s3Denied)]).toEqual([true, true]);
    expect([cis.matches(probe), cis.matches(s3Denied)]).toEqual([false, true]);
    expect(cis.logPatternString).toBe(PATTERNS[DetectionId.AUTHORIZATION_FAILURES].prowler);
    const noS3 = CloudTrailDetections.authorizationFailures({ cisExclusions: true, exclusions: { eventSources: ['s3.amazonaws.com'] } });
    expect([noS3.matches(s3Denied), noS3.matches(iamDenied), noS3.matches(probe)]).toEqual([false, true, false]);
    // the corpus: an unauthorized RunInstances from a Stratus detonation
    expect(noS3.matches(corpusRecord('ec2-launch-unusual-instances.jsonl', 1))).toBe(true);
  });

  test('consoleSignInWithoutMfa: the 2-clause CIS form flags SSO sign-ins; ssoAware leaves them out', () => {
    const sso = fixture(DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA, 'IAM Identity Center (SSO) federated sign-in reports MFAUsed "No"');
    const password = fixture(DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA, 'IAM user signs in with a password only');
    const failed = fixture(DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA, 'failed sign-in without MFA');
    const stratus = corpusRecord('console-login-without-mfa.jsonl', 1);
    const securityHub = CloudTrailDetections.consoleSignInWithoutMfa();
    const cis = CloudTrailDetections.consoleSignInWithoutMfa({ successfulIamUserSignInsOnly: false });
    const cisSso = CloudTrailDetections.consoleSignInWithoutMfa({ successfulIamUserSignInsOnly: false, ssoAware: true });
    const records = [sso, password, failed, stratus];
    expect(records.map((r) => securityHub.matches(r))).toEqual([false, true, false, true]);
    expect(records.map((r) => cis.matches(r))).toEqual([true, true, true, true]);
    expect(records.map((r) => cisSso.matches(r))).toEqual([false, true, true, true]);
    expect(cis.logPatternString).toBe(PATTERNS[DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA].cis50);
    // the same bytes as the construct's `ssoAware` override
    expect(CloudTrailDetections.consoleSignInWithoutMfa({ profile: DetectionProfile.CIS_1_4, ssoAware: true }).logPatternString).toBe(
      deployed('console-sign-in-without-mfa', { profile: DetectionProfile.CIS_1_4, overrides: [{ id: DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA, ssoAware: true }] }),
    );
  });

  test('routeTableChanges: requireEc2EventSource leaves out API Gateway routes', () => {
    const apigw = fixture(DetectionId.ROUTE_TABLE_CHANGES, 'API Gateway v2 CreateRoute (same event name, another service)');
    const ec2 = fixture(DetectionId.ROUTE_TABLE_CHANGES, 'CreateRoute by an IAM user');
    const strict = CloudTrailDetections.routeTableChanges({ requireEc2EventSource: true });
    expect([CloudTrailDetections.routeTableChanges().matches(apigw), strict.matches(apigw), strict.matches(ec2)]).toEqual([true, false, true]);
  });

  test('organizationsChanges: cisEventNamesOnly drops EnableAllFeatures', () => {
    const feature = fixture(DetectionId.ORGANIZATIONS_CHANGES, 'EnableAllFeatures');
    const leave = fixture(DetectionId.ORGANIZATIONS_CHANGES, 'LeaveOrganization by an IAM user');
    const cis = CloudTrailDetections.organizationsChanges({ cisEventNamesOnly: true });
    expect([CloudTrailDetections.organizationsChanges().matches(feature), cis.matches(feature), cis.matches(leave)]).toEqual([true, false, true]);
    expect(cis.logPatternString).toBe(PATTERNS[DetectionId.ORGANIZATIONS_CHANGES].cis50);
  });

  test('ec2LargeInstanceChanges: instanceTypes replaces the size list, as largeInstanceTypes does in the construct', () => {
    const gpu = CloudTrailDetections.ec2LargeInstanceChanges({ instanceTypes: ['p2.*', '*.metal'] });
    expect(gpu.logPatternString).toBe(
      '{ ($.eventName = RunInstances) && (($.requestParameters.instanceType = p2.*) || ($.requestParameters.instanceType = *.metal)) }',
    );
    expect(gpu.logPatternString).toBe(deployed('ec2-large-instance-changes', { largeInstanceTypes: ['p2.*', '*.metal'] }));
    const run = (instanceType: string) => JSON.stringify({ eventName: 'RunInstances', requestParameters: { instanceType } });
    expect([gpu.matches(run('p2.xlarge')), gpu.matches(run('m5.metal')), gpu.matches(run('m5.8xlarge'))]).toEqual([true, true, false]);
    // corpus: p2.xlarge launches from Panther's and Stratus's tests (one with the type wrapped in an object, which no pattern sees)
    expect([
      gpu.matches(corpusRecord('aws_ec2_launch_unusual_ec2_instances.jsonl', 1)),
      gpu.matches(corpusRecord('ec2-launch-unusual-instances.jsonl', 1)),
      gpu.matches(corpusRecord('aws_ec2_launch_unusual_ec2_instances.jsonl', 3)),
    ]).toEqual([true, true, false]);
    expect(CloudTrailDetections.ec2LargeInstanceChanges().matches(corpusRecord('aws_ec2_launch_unusual_ec2_instances.jsonl', 1))).toBe(false);
  });

  test('exclusions render the same bytes as the construct and keep events that lack the field', () => {
    const exclusions = { principalArns: ['arn:aws:sts::*:assumed-role/Deployer/*'], sourceIpAddresses: ['cloudformation.amazonaws.com'] };
    const built = CloudTrailDetections.iamPolicyChanges({ exclusions });
    expect(built.logPatternString).toBe(deployed('iam-policy-changes', { overrides: [{ id: DetectionId.IAM_POLICY_CHANGES, exclusions }] }));
    const put = (extra: Record<string, unknown>) => JSON.stringify({ eventName: 'PutRolePolicy', ...extra });
    expect(built.matches(put({ userIdentity: { arn: 'arn:aws:sts::1:assumed-role/Deployer/ci' } }))).toBe(false);
    expect(built.matches(put({ userIdentity: { arn: 'arn:aws:iam::1:user/alice' }, sourceIPAddress: 'cloudformation.amazonaws.com' }))).toBe(false);
    expect(built.matches(put({ userIdentity: { arn: 'arn:aws:iam::1:user/alice' }, sourceIPAddress: '198.51.100.1' }))).toBe(true);
    expect(built.matches(put({}))).toBe(true);
  });

  test('rootConsoleSignIn: root console sign-ins, by MFA use and outcome (corpus records)', () => {
    const success = corpusRecord('aws_root_console_login.jsonl', 1);
    const notConsole = corpusRecord('aws_root_console_login.jsonl', 2);
    const iamUser = corpusRecord('aws_root_console_login.jsonl', 3);
    const failure = corpusRecord('aws_root_console_login.jsonl', 4);
    const all = [success, notConsole, iamUser, failure];
    expect(all.map((r) => CloudTrailDetections.rootConsoleSignIn().matches(r))).toEqual([true, false, false, true]);
    const success_ = CloudTrailDetections.rootConsoleSignIn({ outcome: ConsoleSignInOutcome.SUCCESS });
    const failure_ = CloudTrailDetections.rootConsoleSignIn({ outcome: ConsoleSignInOutcome.FAILURE });
    expect(all.map((r) => success_.matches(r))).toEqual([true, false, false, false]);
    expect(all.map((r) => failure_.matches(r))).toEqual([false, false, false, true]);
    // these corpus records all used MFA
    const withMfa = CloudTrailDetections.rootConsoleSignIn({ mfa: ConsoleSignInMfa.WITH_MFA });
    expect(all.map((r) => withMfa.matches(r))).toEqual([true, false, false, true]);
    const withoutMfa = CloudTrailDetections.rootConsoleSignIn({ mfa: ConsoleSignInMfa.WITHOUT_MFA });
    expect(all.map((r) => withoutMfa.matches(r))).toEqual([false, false, false, false]);
    const rootNoMfa = fixture(DetectionId.CONSOLE_SIGN_IN_FAILURES, 'root wrong password');
    expect(CloudTrailDetections.rootConsoleSignIn({ mfa: ConsoleSignInMfa.WITHOUT_MFA }).matches(rootNoMfa)).toBe(true);
    // a sign-in record without additionalEventData counts as "without MFA" (the exclusion-safe form)
    const bare = JSON.stringify({ eventName: 'ConsoleLogin', userIdentity: { type: 'Root' } });
    expect(CloudTrailDetections.rootConsoleSignIn({ mfa: ConsoleSignInMfa.WITHOUT_MFA }).matches(bare)).toBe(true);
    expect(CloudTrailDetections.rootConsoleSignIn({ mfa: ConsoleSignInMfa.WITHOUT_MFA }).logPatternString).toBe(
      '{ ($.eventName = "ConsoleLogin") && ($.userIdentity.type = "Root") && (($.additionalEventData.MFAUsed NOT EXISTS) || ($.additionalEventData.MFAUsed != "Yes")) }',
    );
    // every root console sign-in is also root user activity
    for (const r of [success, failure, rootNoMfa]) expect(CloudTrailDetections.rootAccountUsage().matches(r)).toBe(true);
  });

  test('tamper builders: unscoped by default, scoped to the given resources as tamper-scope.ts renders them', () => {
    const stop = fixture(DetectionId.TRAIL_TAMPERING, 'StopLogging of the alarm trail');
    const selectors = fixture(DetectionId.TRAIL_TAMPERING, 'PutEventSelectors excluding management events');
    const otherTrail = JSON.stringify({ ...JSON.parse(stop), requestParameters: { name: 'someone-elses-trail' } });
    const scoped = CloudTrailDetections.trailTampering({ trailNames: ['org-trail'] });
    expect(scoped.logPatternString).toBe(scopeTamperPattern('trail-tampering', { trailNames: ['org-trail'] }).pattern);
    expect([stop, selectors, otherTrail].map((r) => CloudTrailDetections.trailTampering().matches(r))).toEqual([true, true, true]);
    expect([stop, selectors, otherTrail].map((r) => scoped.matches(r))).toEqual([true, true, false]);

    const deleteAlarms = fixture(DetectionId.ALARM_TAMPERING, 'DeleteAlarms of two alarms');
    const setState = fixture(DetectionId.ALARM_TAMPERING, 'SetAlarmState to OK');
    const byPrefix = CloudTrailDetections.alarmTampering({ alarmNamePrefixes: ['Root'] });
    const otherPrefix = CloudTrailDetections.alarmTampering({ alarmNamePrefixes: ['security-'] });
    expect([byPrefix.matches(deleteAlarms), byPrefix.matches(setState), otherPrefix.matches(deleteAlarms), otherPrefix.matches(setState)]).toEqual([
      true, true, false, false,
    ]);
    const topic = fixture(DetectionId.TOPIC_TAMPERING, 'Unsubscribe (authenticated)');
    expect(CloudTrailDetections.topicTampering({ topicArns: ['arn:aws:sns:us-east-1:111122223333:alarms-high'] }).matches(topic)).toBe(true);
    expect(CloudTrailDetections.topicTampering({ topicArns: ['arn:aws:sns:us-east-1:111122223333:other'] }).matches(topic)).toBe(false);
    const key = fixture(DetectionId.KEY_TAMPERING, 'ScheduleKeyDeletion in 7 days');
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(CloudTrailDetections.keyTampering({ keyArns: [keyArn] }).matches(key)).toBe(true);
    const fn = fixture(DetectionId.NOTIFIER_TAMPERING, 'UpdateFunctionCode20150331v2');
    expect([CloudTrailDetections.notifierTampering({ functionNames: ['alarm-notifier'] }).matches(fn), CloudTrailDetections.notifierTampering({ functionNames: ['x'] }).matches(fn)]).toEqual([true, false]);
    const lg = fixture(DetectionId.LOG_GROUP_TAMPERING, 'DeleteLogGroup of the trail log group');
    expect(CloudTrailDetections.logGroupTampering({ logGroupNames: ['CloudTrail/alarms'] }).matches(lg)).toBe(true);
  });

  test('fails if a tamper builder cannot scope as asked, instead of silently widening', () => {
    expect(() => CloudTrailDetections.alarmTampering({ alarmNames: ['a', 'b', 'c', 'd'] })).toThrow(
      /CloudTrailDetections.alarmTampering: cannot scope the pattern as asked. alarm-tampering: DeleteAlarms and DisableAlarmActions stay unscoped.*Set an alarm name prefix/,
    );
    expect(() => CloudTrailDetections.trailTampering({ trailNames: [] })).toThrow('trail-tampering: the scope names no resource (set trailNames or trailArns).');
    expect(() => CloudTrailDetections.trailTampering({ trailNames: ['a*'] })).toThrow(/contains '\*'/);
  });

  test('detections.json: each detection\'s builder call reproduces its pattern; every builder and option is described', () => {
    // through the JSON text, as a tool in another language would read it
    const doc = JSON.parse(catalogueJson());
    for (const [profileName, profile] of Object.entries<any>(doc.profiles)) {
      for (const d of profile.detections) {
        expect([d.id, d.builder?.options.profile]).toEqual([d.id, profileName]);
        const { profile: name, ...rest } = d.builder.options;
        const options: Record<string, unknown> = { profile: DetectionProfile.of(name) };
        for (const [k, v] of Object.entries(rest)) if (v !== null) options[k] = v;
        const method = d.builder.method.replace('CloudTrailDetections.', '');
        expect([d.id, (CloudTrailDetections as any)[method](options).logPatternString]).toEqual([d.id, d.pattern]);
        expect(Object.keys(doc.builders[d.builder.method].options).sort()).toEqual(Object.keys(d.builder.options).sort());
      }
    }
    expect(Object.values<any>(doc.builders).map((b) => b.detection).sort()).toEqual(DetectionCatalogue.ids().sort());
    for (const b of Object.values<any>(doc.builders)) {
      for (const o of Object.values<any>(b.options)) expect(o.description.length).toBeGreaterThan(20);
    }
    // and a tuned pattern can be rebuilt from the documented option
    expect(doc.builders['CloudTrailDetections.ec2LargeInstanceChanges'].options.instanceTypes.default).toEqual(['*.8xlarge', '*.4xlarge']);
    expect(builderCall(DetectionId.VPC_CHANGES, 'aws-template')).toEqual({ method: 'CloudTrailDetections.vpcChanges', options: { profile: 'aws-template', exclusions: null } });
  });

});

describe('CloudTrailDetections: bad options', () => {
  test('fails if instanceTypes is empty, upper case, a catch-all, duplicated or not an instance type', () => {
    const f = (instanceTypes: any) => () => CloudTrailDetections.ec2LargeInstanceChanges({ instanceTypes });
    expect(f([])).toThrow(/CloudTrailDetections.ec2LargeInstanceChanges: `instanceTypes` must list at least one instance type pattern .* got \[\]/);
    expect(f(['p4d.*', 'M5.8XLARGE'])).toThrow("`instanceTypes[1]` must be lower case as CloudTrail records it (e.g. 'm5.8xlarge'), got 'M5.8XLARGE'.");
    expect(f(['*'])).toThrow("`instanceTypes[0]` '*' matches every instance type; use CloudTrailDetections.ec2InstanceChanges()");
    expect(f(['p4d.*', 'p4d.*'])).toThrow("`instanceTypes` lists 'p4d.*' twice; remove the duplicate.");
    expect(f(['m5 large'])).toThrow(/`instanceTypes\[0\]` must be an instance type or a pattern of lower-case letters.*got 'm5 large'/);
    expect(f([''])).toThrow(/`instanceTypes\[0\]` must be a non-empty instance type pattern .* got ""/);
    const token = new CfnParameter(new Stack(), 'T').valueAsString;
    expect(f([token])).toThrow('`instanceTypes[0]` must be known at synth time (it becomes part of the filter pattern), got a token.');
  });

  test('fails if a boolean option is not a boolean', () => {
    expect(() => CloudTrailDetections.authorizationFailures({ cisExclusions: 'yes' as any })).toThrow(
      'CloudTrailDetections.authorizationFailures: `cisExclusions` must be true or false, got "yes".',
    );
    expect(() => CloudTrailDetections.consoleSignInWithoutMfa({ ssoAware: 1 as any })).toThrow('`ssoAware` must be true or false, got 1.');
  });

  test('fails if an exclusion list is empty or a token', () => {
    expect(() => CloudTrailDetections.vpcChanges({ exclusions: { roleNames: [] } })).toThrow(
      'CloudTrailDetections.vpcChanges: `exclusions.roleNames` is an empty list; remove it or add values.',
    );
    const token = new CfnParameter(new Stack(), 'T').valueAsString;
    expect(() => CloudTrailDetections.vpcChanges({ exclusions: { userAgents: [token] } })).toThrow('`exclusions.userAgents[0]` must be known at synth time');
  });

  test('fails if rootConsoleSignIn gets an unknown enum value', () => {
    expect(() => CloudTrailDetections.rootConsoleSignIn({ mfa: 'SOMETIMES' as any })).toThrow(
      "CloudTrailDetections.rootConsoleSignIn: `mfa` must be a ConsoleSignInMfa (ANY, WITH_MFA or WITHOUT_MFA), got 'SOMETIMES'.",
    );
    expect(() => CloudTrailDetections.rootConsoleSignIn({ outcome: 'MAYBE' as any })).toThrow('`outcome` must be a ConsoleSignInOutcome');
  });

  test('fails if of() gets an unknown id, naming the ids', () => {
    expect(() => CloudTrailDetections.of('root-login')).toThrow(/`detectionId` must be a catalogue detection id, got 'root-login'. Use one of: .*root-account-usage/);
  });
});
