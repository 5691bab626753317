import { AWS_TEMPLATE, judge, PROWLER, prowlerCurrent, prowlerLegacy, SECURITY_HUB } from './grader-rules';
import { DetectionCatalogue, DetectionId, DetectionProfile, LogFilterPattern, Severity } from '../../lib';
import { FIXTURES } from '../../lib/catalogue/fixtures';
import { APPLICABLE, OPT_IN_ENTRIES, PROFILES } from '../../lib/catalogue/profiles';

const ALL_IDS = [
  'root-account-usage', 'authorization-failures', 'console-sign-in-without-mfa', 'iam-policy-changes', 'cloudtrail-changes',
  'console-sign-in-failures', 'kms-key-disable-or-deletion', 's3-bucket-policy-changes', 'config-changes',
  'security-group-changes', 'network-acl-changes', 'network-gateway-changes', 'route-table-changes', 'vpc-changes',
  'organizations-changes', 'ec2-instance-changes', 'ec2-large-instance-changes', 'root-assumed-session',
  'trail-tampering', 'log-group-tampering', 'alarm-tampering', 'topic-tampering', 'key-tampering', 'notifier-tampering',
];

describe('catalogue contents', () => {
  test('pins the twenty-four built-in detection ids (seventeen benchmark, one opt-in, six tamper-protection)', () => {
    expect([...DetectionCatalogue.ids()].sort()).toEqual([...ALL_IDS].sort());
    expect(Object.values(DetectionId).sort()).toEqual([...ALL_IDS].sort());
  });

  test('pins the profiles and their sizes', () => {
    expect(DetectionProfile.all().map((p) => [p.name, p.detectionIds.length])).toEqual([
      ['recommended', 23],
      ['aws-template', 10],
      ['security-hub', 14],
      ['cis-1.4', 15],
      ['cis-5.0', 15],
      ['cis-6.0', 15],
      ['cis-7.0', 15],
      ['prowler', 15],
      ['tamper-protection', 6],
    ]);
  });

  test('every entry has a title, a description that says how to investigate, a severity and controls', () => {
    const tamper = new Set(DetectionProfile.TAMPER_PROTECTION.detectionIds);
    for (const d of DetectionCatalogue.list()) {
      expect(d.title.length).toBeGreaterThan(3);
      expect(d.description).toMatch(/Investigate: /);
      expect(d.description.length).toBeLessThanOrEqual(1024);
      expect(Object.values(Severity)).toContain(d.severity);
      // no benchmark has a control for tampering with the alarm pipeline itself
      if (tamper.has(d.id)) expect(d.controls).toEqual([]);
      else expect(d.controls.length).toBeGreaterThan(0);
      expect(d.metricNamespace).toBe('CloudTrailMetrics');
    }
  });

  test.each(DetectionProfile.all().map((p) => [p.name, p] as const))('every %s pattern parses and is at most 1024 characters', (_n, profile) => {
    for (const d of DetectionCatalogue.list(profile)) {
      expect(LogFilterPattern.validate(d.pattern)).toEqual({ valid: true });
      expect(d.pattern.length).toBeLessThanOrEqual(1024);
    }
  });

  test('security-hub profile: the fourteen patterns are byte-identical to the Security Hub strings', () => {
    const list = DetectionCatalogue.list(DetectionProfile.SECURITY_HUB);
    expect(list).toHaveLength(14);
    for (const d of list) expect(d.pattern).toBe(SECURITY_HUB[d.id as DetectionId]);
  });

  test("aws-template profile: the ten patterns are byte-identical to AWS's template, with its metric names and thresholds", () => {
    const list = DetectionCatalogue.list(DetectionProfile.AWS_TEMPLATE);
    expect(list).toHaveLength(10);
    for (const d of list) expect(d.pattern).toBe(AWS_TEMPLATE[d.id as DetectionId]);
    expect(Object.fromEntries(list.map((d) => [d.metricName, d.threshold]))).toEqual({
      SecurityGroupEventCount: 1,
      NetworkAclEventCount: 1,
      GatewayEventCount: 1,
      VpcEventCount: 1,
      EC2InstanceEventCount: 1,
      EC2LargeInstanceEventCount: 1,
      CloudTrailEventCount: 1,
      ConsoleSignInFailureCount: 3,
      AuthorizationFailureCount: 1,
      IAMPolicyEventCount: 1,
    });
  });

  test('prowler profile passes all fifteen Prowler checks, current and up to 5.x', () => {
    const list = DetectionCatalogue.list(DetectionProfile.PROWLER);
    expect(list).toHaveLength(15);
    expect(list.map((d) => d.id).sort()).toEqual(Object.keys(PROWLER).sort());
    for (const d of list) {
      expect([d.id, prowlerCurrent(d.id as DetectionId, d.pattern)]).toEqual([d.id, true]);
      expect([d.id, prowlerLegacy(d.id as DetectionId, d.pattern)]).toEqual([d.id, true]);
    }
  });

  test('cis profiles fix the CIS 4.1 precedence: the published v1.4 text matches almost every event, ours does not', () => {
    const published = LogFilterPattern.parse(
      '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }',
    );
    const ok = '{"eventName":"DescribeInstances","sourceIPAddress":"198.51.100.1"}';
    expect(published.matches(ok)).toBe(true);
    for (const profile of [DetectionProfile.CIS_1_4, DetectionProfile.CIS_5_0, DetectionProfile.CIS_6_0, DetectionProfile.CIS_7_0]) {
      const fixed = LogFilterPattern.parse(DetectionCatalogue.get('authorization-failures', profile).pattern);
      expect(fixed.matches(ok)).toBe(false);
      expect(fixed.matches('{"eventName":"GetObject","errorCode":"AccessDenied","sourceIPAddress":"198.51.100.1"}')).toBe(true);
    }
  });

  test('recommended: Security Hub-exact wherever a Security Hub control exists, the template for EC2', () => {
    for (const d of DetectionCatalogue.list()) {
      if (SECURITY_HUB[d.id as DetectionId]) expect(d.pattern).toBe(SECURITY_HUB[d.id as DetectionId]);
      if (d.id.startsWith('ec2-')) expect(d.pattern).toBe(AWS_TEMPLATE[d.id as DetectionId]);
    }
  });

  test.each([
    ['cis-6.0', DetectionProfile.CIS_6_0, 'CIS-6.0'],
    ['cis-7.0', DetectionProfile.CIS_7_0, 'CIS-7.0'],
  ] as const)('%s: the fifteen monitoring detections in benchmark order, numbered 5.1-5.15, with the v5.0.0 strings', (_n, profile, prefix) => {
    const list = DetectionCatalogue.list(profile);
    expect(list.map((d) => [d.id, d.controls.filter((c) => c.startsWith(`${prefix}:`))])).toEqual([
      ['authorization-failures', [`${prefix}:5.1`]],
      ['console-sign-in-without-mfa', [`${prefix}:5.2`]],
      ['root-account-usage', [`${prefix}:5.3`]],
      ['iam-policy-changes', [`${prefix}:5.4`]],
      ['cloudtrail-changes', [`${prefix}:5.5`]],
      ['console-sign-in-failures', [`${prefix}:5.6`]],
      ['kms-key-disable-or-deletion', [`${prefix}:5.7`]],
      ['s3-bucket-policy-changes', [`${prefix}:5.8`]],
      ['config-changes', [`${prefix}:5.9`]],
      ['security-group-changes', [`${prefix}:5.10`]],
      ['network-acl-changes', [`${prefix}:5.11`]],
      ['network-gateway-changes', [`${prefix}:5.12`]],
      ['route-table-changes', [`${prefix}:5.13`]],
      ['vpc-changes', [`${prefix}:5.14`]],
      ['organizations-changes', [`${prefix}:5.15`]],
    ]);
    // the benchmark kept the v5.0.0 strings (Prowler's cis_6.0/cis_7.0 transcriptions equal its cis_5.0 one)
    const v5 = DetectionCatalogue.list(DetectionProfile.CIS_5_0);
    expect(list.map((d) => d.pattern)).toEqual(v5.map((d) => d.pattern));
    const verdicts = (ds: typeof list) => ds.map((d) => [d.graders, d.graderFailures.map((f) => f.grader)]);
    expect(verdicts(list)).toEqual(verdicts(v5));
    expect(new Set(list.map((d) => d.patternSource))).toEqual(new Set([profile.name.replace('-', '').replace('.', '')]));
  });

  test('the CIS profiles say which Security Hub standards still evaluate CloudWatch.1-14', () => {
    for (const profile of [DetectionProfile.CIS_1_4, DetectionProfile.CIS_5_0, DetectionProfile.CIS_6_0, DetectionProfile.CIS_7_0]) {
      expect(profile.summary).toContain(
        'Security Hub CSPM still evaluates CloudWatch.1-14, but only under its CIS v1.2.0 and v1.4.0, NIST SP 800-171 Rev. 2 and PCI DSS v3.2.1 standards',
      );
      expect(profile.summary).toContain('its CIS v3.0.0 and v5.0.0 and NIST SP 800-53 Rev. 5 standards have no control for these alarms');
    }
  });

  test('root-assumed-session is an opt-in detection: in no profile, listed by DetectionCatalogue.optIn()', () => {
    expect(DetectionProfile.all().filter((p) => p.detectionIds.includes('root-assumed-session'))).toEqual([]);
    const [d] = DetectionCatalogue.optIn();
    expect(DetectionCatalogue.optIn()).toHaveLength(1);
    expect([d.id, d.severity, d.patternSource, d.metricName, d.graders, d.graderFailures, d.controls]).toEqual([
      'root-assumed-session', Severity.MEDIUM, 'centralizedRootAccess', 'RootAssumedSessionEventCount', [], [], [],
    ]);
    expect(d.pattern).toBe(
      '{ (($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRoot")) || ($.userIdentity.sessionContext.assumedRoot = "true") }',
    );
    expect(d.description).toMatch(/^Centralized root access session\. .* Investigate: .*requestParameters\.targetPrincipal/);
    expect(() => DetectionCatalogue.get('root-assumed-session')).toThrow(
      /'root-assumed-session' is an opt-in detection: list it with DetectionCatalogue\.optIn\(\) and turn it on with `overrides: \[\{ id: 'root-assumed-session' \}\]`\./,
    );
  });

  test('detectionIds is a copy: changing it changes neither the profile nor the next call', () => {
    const ids = DetectionProfile.RECOMMENDED.detectionIds;
    ids.length = 0;
    expect(DetectionProfile.RECOMMENDED.detectionIds).toHaveLength(23);
    expect(DetectionProfile.RECOMMENDED.detectionIds).not.toBe(DetectionProfile.RECOMMENDED.detectionIds);
  });

  test('fails: unknown profile and unknown detection name what is valid', () => {
    expect(() => DetectionProfile.of('cis-9')).toThrow(
      /Unknown detection profile 'cis-9'\. Use one of: recommended, aws-template, security-hub, cis-1\.4, cis-5\.0, cis-6\.0, cis-7\.0, prowler, tamper-protection\./,
    );
    expect(() => DetectionCatalogue.get('organizations-changes', DetectionProfile.SECURITY_HUB)).toThrow(
      /Detection 'organizations-changes' is not in profile 'security-hub'\. Its detections are: root-account-usage, /,
    );
  });
});

describe('grader claims (each profile claims exactly what the written-down grader rules say)', () => {
  const cases = Object.values(PROFILES).flatMap((p) => p.entries.map((e) => [p.name, e.id, e] as const));
  test.each(cases)('%s / %s', (profile, id, entry) => {
    const pattern = DetectionCatalogue.get(id, DetectionProfile.of(profile)).pattern;
    const verdicts = judge(id, pattern);
    const passing = Object.entries(verdicts).filter(([, ok]) => ok).map(([g]) => g).sort();
    expect([...entry.passes].sort()).toEqual(passing);
    const failing = Object.entries(verdicts).filter(([, ok]) => !ok).map(([g]) => g).sort();
    expect(entry.fails.map((f) => f.grader).sort()).toEqual(failing);
    for (const f of entry.fails) expect(f.why.length).toBeGreaterThan(20);
    expect([...entry.passes, ...entry.fails.map((f) => f.grader)].sort()).toEqual([...APPLICABLE[id]].sort());
  });

  test('the rules reproduce the compatibility matrix of graders.md (Security Hub doc and AWS template rows)', () => {
    const row = (strings: Partial<Record<DetectionId, string>>) =>
      Object.fromEntries(
        Object.entries(strings).map(([id, p]) => {
          const v = judge(id as DetectionId, p!);
          return [id, [v.prowler, v['prowler-legacy'], v.steampipe].map((x) => (x === undefined ? '-' : x ? 'P' : 'F')).join('/')];
        }),
      );
    expect(row(SECURITY_HUB)).toEqual({
      'root-account-usage': 'P/P/P',
      'authorization-failures': 'P/P/F',
      'console-sign-in-without-mfa': 'P/P/P',
      'iam-policy-changes': 'P/P/P',
      'cloudtrail-changes': 'P/P/P',
      'console-sign-in-failures': 'P/P/P',
      'kms-key-disable-or-deletion': 'P/P/P',
      's3-bucket-policy-changes': 'P/P/P',
      'config-changes': 'P/P/P',
      'security-group-changes': 'P/P/F',
      'network-acl-changes': 'P/P/P',
      'network-gateway-changes': 'P/P/P',
      'route-table-changes': 'F/F/P',
      'vpc-changes': 'P/P/P',
    });
    expect(row(AWS_TEMPLATE)).toMatchObject({
      'authorization-failures': 'P/P/F',
      'iam-policy-changes': 'P/P/P',
      'cloudtrail-changes': 'P/P/P',
      'console-sign-in-failures': 'P/P/P',
      'security-group-changes': 'P/P/F',
      'network-acl-changes': 'P/P/P',
      'network-gateway-changes': 'P/P/P',
      'vpc-changes': 'P/P/P',
    });
  });

  test('Prowler rules reject the substring-only and reordered cases the way Prowler does', () => {
    const nacl = '{ ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }';
    expect(prowlerCurrent(DetectionId.NETWORK_ACL_CHANGES, nacl)).toBe(false);
    const reversed = '{ ($.eventName = DeleteVpc) || ($.eventName = CreateVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }';
    expect(prowlerCurrent(DetectionId.VPC_CHANGES, reversed)).toBe(true);
    expect(prowlerLegacy(DetectionId.VPC_CHANGES, reversed)).toBe(false);
    expect(prowlerCurrent(DetectionId.ROUTE_TABLE_CHANGES, '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DisassociateRouteTable)) }')).toBe(false);
  });
});

describe('fixtures: every detection matches its positives and none of its negatives in every profile that includes it', () => {
  test.each(ALL_IDS)('%s has at least three positive and three negative fixtures', (id) => {
    const fx = FIXTURES[id as DetectionId];
    expect(fx.filter((f) => f.matches).length).toBeGreaterThanOrEqual(3);
    expect(fx.filter((f) => !f.matches).length).toBeGreaterThanOrEqual(3);
  });

  const cases = [
    ...Object.values(PROFILES).flatMap((p) => p.entries.map((e) => [p.name, e.id, e.variant] as const)),
    ...OPT_IN_ENTRIES.map((e) => ['opt-in', e.id, e.variant] as const),
  ];
  test.each(cases)('%s / %s', (profile, id, variant) => {
    const definition = profile === 'opt-in' ? DetectionCatalogue.optIn().find((d) => d.id === id)! : DetectionCatalogue.get(id, DetectionProfile.of(profile));
    const pattern = LogFilterPattern.parse(definition.pattern);
    const wrong: string[] = [];
    for (const f of FIXTURES[id]) {
      const expected = f.differsIn?.find((d) => d.variant === variant)?.matches ?? f.matches;
      // the raw-message path and the pre-parsed path must agree
      const got = pattern.matches(JSON.stringify(f.record));
      if (got !== expected || pattern.matchesEvent(f.record) !== got) wrong.push(`${f.name}: expected ${expected}, got ${got}`);
    }
    expect(wrong).toEqual([]);
  });
});
