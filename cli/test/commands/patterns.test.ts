import * as fs from 'fs';
import * as path from 'path';
import { catalogueJson } from 'cdk-cloudtrail-alarms/lib/filters/catalogue-document';
import { cli } from './helpers';
import { eventBridgeTwins } from '../../src/commands/patterns';

describe('cloudtrail-alarms patterns', () => {
  test('--profile recommended --format json lists all twenty-three detections with the documented fields', async () => {
    const r = await cli(['patterns', '--profile', 'recommended', '--format', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(23);
    for (const d of list) {
      for (const key of ['id', 'title', 'severity', 'pattern', 'metricName', 'metricNamespace', 'controls', 'graders']) {
        expect(d).toHaveProperty(key);
      }
      expect(Array.isArray(d.controls)).toBe(true);
    }
    const root = list.find((d) => d.id === 'root-account-usage')!;
    expect(root.controls).toEqual(expect.arrayContaining(['CIS-1.4:4.3', 'SecurityHub:CloudWatch.1']));
    expect(root.graders).toEqual(['security-hub', 'prowler', 'prowler-legacy', 'steampipe']);
  });

  // CIS AWS Foundations Benchmark v6.0.0 and v7.0.0 print the v5.0.0 strings under 5.1-5.15 (Prowler's
  // cis_6.0_aws.json and cis_7.0_aws.json transcribe them byte-identically to cis_5.0_aws.json, quotes stripped; these
  // are the quoted forms), 5.1 with the precedence of its two error codes made explicit.
  const CIS_V6_V7: Array<[string, string, string]> = [
    ['5.1', 'authorization-failures', '{ (($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*")) && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }'],
    ['5.2', 'console-sign-in-without-mfa', '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'],
    ['5.3', 'root-account-usage', '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'],
    ['5.4', 'iam-policy-changes', '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}'],
    ['5.5', 'cloudtrail-changes', '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }'],
    ['5.6', 'console-sign-in-failures', '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'],
    ['5.7', 'kms-key-disable-or-deletion', '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }'],
    ['5.8', 's3-bucket-policy-changes', '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }'],
    ['5.9', 'config-changes', '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }'],
    ['5.10', 'security-group-changes', '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }'],
    ['5.11', 'network-acl-changes', '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }'],
    ['5.12', 'network-gateway-changes', '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }'],
    ['5.13', 'route-table-changes', '{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }'],
    ['5.14', 'vpc-changes', '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }'],
    ['5.15', 'organizations-changes', '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }'],
  ];

  test.each([
    ['cis-7.0', 'CIS-7.0'],
    ['cis-6.0', 'CIS-6.0'],
  ])('--profile %s --format json prints the fifteen monitoring detections, 5.1-5.15, with the benchmark\'s patterns', async (profile, prefix) => {
    const r = await cli(['patterns', '--profile', profile, '--format', 'json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const list = JSON.parse(r.stdout) as Array<{ id: string; pattern: string; controls: string[]; patternSource: string; graders: string[] }>;
    expect(list.map((d) => [d.controls.filter((c) => c.startsWith(`${prefix}:`)), d.id, d.pattern])).toEqual(
      CIS_V6_V7.map(([n, id, pattern]) => [[`${prefix}:${n}`], id, pattern]),
    );
    expect(new Set(list.map((d) => d.patternSource))).toEqual(new Set([prefix === 'CIS-7.0' ? 'cis70' : 'cis60']));
    // the graders' verdicts are those of the same strings in cis-5.0
    expect(list.find((d) => d.id === 'security-group-changes')!.graders).toEqual(['prowler', 'prowler-legacy', 'steampipe']);
    expect(list.find((d) => d.id === 'route-table-changes')!.graders).toEqual(['steampipe']);
  });

  test('--profile cis-7.0 --format text says which Security Hub standards still evaluate CloudWatch.1-14', async () => {
    const r = await cli(['patterns', '--profile', 'cis-7.0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Profile cis-7\.0: CIS AWS Foundations Benchmark v7\.0\.0, the latest: monitoring 5\.1-5\.15/);
    expect(r.stdout).toContain('only under its CIS v1.2.0 and v1.4.0, NIST SP 800-171 Rev. 2 and PCI DSS v3.2.1 standards');
  });

  test('--format yaml prints the same data as YAML', async () => {
    const r = await cli(['patterns', '--profile', 'aws-template', '--format', 'yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('-\n  id: "security-group-changes"\n')).toBe(true);
    expect((r.stdout.match(/^  id: /gm) ?? []).length).toBe(10);
    expect(r.stdout).toContain('pattern: "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \\"Failed authentication\\") }"');
  });

  test('--format text shows which graders fail and why', async () => {
    const r = await cli(['patterns', '--profile', 'security-hub']);
    expect(r.stdout).toMatch(/route-table-changes \[MEDIUM\][\s\S]*fails: +prowler: Prowler requires \$\.eventSource = ec2\.amazonaws\.com/);
  });

  test('fails with exit 2 on an unknown profile or format', async () => {
    const bad = await cli(['patterns', '--profile', 'cis-9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown detection profile 'cis-9'\. Use one of: recommended/);
    const fmt = await cli(['patterns', '--format', 'xml']);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/--format must be json, yaml, text or eventbridge, got 'xml'/);
  });

  test('detections.json shipped with the package is current (regenerate with `npx projen catalogue`)', () => {
    const shipped = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'detections.json'), 'utf8');
    expect(shipped).toEqual(catalogueJson());
    const doc = JSON.parse(shipped);
    expect(Object.keys(doc.profiles)).toEqual(['recommended', 'aws-template', 'security-hub', 'cis-1.4', 'cis-5.0', 'cis-6.0', 'cis-7.0', 'prowler', 'tamper-protection']);
    // the opt-in detection (in no profile) is documented on its own, with its builder and the reason it has no EventBridge twin
    expect(doc.optInDetections.map((d: { id: string }) => d.id)).toEqual(['root-assumed-session']);
    expect(doc.optInDetections[0].builder).toEqual({ method: 'CloudTrailDetections.rootAssumedSession', options: { profile: 'recommended', exclusions: null } });
    // userIdentity.sessionContext.assumedRoot is a string field, so the detection has an exact EventBridge twin
    expect(doc.optInDetections[0].eventPatternError).toBeUndefined();
    expect(JSON.stringify(doc.optInDetections[0].eventPattern.detail)).toContain('"assumedRoot":["true"]');
    // every detection carries its EventBridge twin (or the reason there is none)
    for (const p of Object.values(doc.profiles) as Array<{ detections: Array<Record<string, unknown>> }>) {
      for (const d of p.detections) expect(d.eventPattern !== undefined || typeof d.eventPatternError === 'string').toBe(true);
    }
    const root = doc.profiles.recommended.detections.find((d: { id: string }) => d.id === 'root-account-usage');
    expect(root.eventPattern.detail).toEqual({
      userIdentity: { type: ['Root'], invokedBy: [{ exists: false }] },
      eventType: [{ 'anything-but': 'AwsServiceEvent' }],
    });
  });

  test('--format eventbridge --profile recommended prints a pattern or a reason for every detection', async () => {
    const r = await cli(['patterns', '--format', 'eventbridge', '--profile', 'recommended']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ id: string; eventPattern?: Record<string, unknown>; error?: string }>;
    expect(list.map((d) => d.id)).toEqual([
      'root-account-usage', 'authorization-failures', 'console-sign-in-without-mfa', 'iam-policy-changes', 'cloudtrail-changes',
      'console-sign-in-failures', 'kms-key-disable-or-deletion', 's3-bucket-policy-changes', 'config-changes', 'security-group-changes',
      'network-acl-changes', 'network-gateway-changes', 'route-table-changes', 'vpc-changes', 'organizations-changes',
      'ec2-instance-changes', 'ec2-large-instance-changes',
      'trail-tampering', 'log-group-tampering', 'alarm-tampering', 'topic-tampering', 'key-tampering', 'notifier-tampering',
    ]);
    for (const d of list) {
      expect(Object.keys(d).sort()).toEqual(d.error === undefined ? ['eventPattern', 'id'] : ['error', 'id']);
    }
    const auth = list.find((d) => d.id === 'authorization-failures')!;
    expect(auth.eventPattern).toEqual({
      'source': [{ prefix: 'aws.' }],
      'detail-type': expect.arrayContaining(['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail']),
      'detail': { errorCode: [{ suffix: 'UnauthorizedOperation' }, { prefix: 'AccessDenied' }] },
    });
    // tamper patterns are listed unscoped
    const notifier = list.find((d) => d.id === 'notifier-tampering')!;
    expect(notifier.eventPattern!.detail).toEqual({
      eventSource: ['lambda.amazonaws.com'],
      eventName: [
        'DeleteFunction', { prefix: 'DeleteFunction20150331' }, 'UpdateFunctionCode', { prefix: 'UpdateFunctionCode20150331' },
        'UpdateFunctionConfiguration', { prefix: 'UpdateFunctionConfiguration20150331' }, 'RemovePermission', { prefix: 'RemovePermission20150331' },
      ],
    });
  });

  test('--format eventbridge prints {id, error} where no exact pattern exists', () => {
    expect(eventBridgeTwins([{ id: 'custom', pattern: '{ $.eventName = %^Delete% }' }])).toEqual([
      { id: 'custom', error: '$.eventName = %^Delete%: EventBridge patterns have no regular expressions' },
    ]);
  });
});
