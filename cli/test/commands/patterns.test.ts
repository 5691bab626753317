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
    expect(Object.keys(doc.profiles)).toEqual(['recommended', 'aws-template', 'security-hub', 'cis-1.4', 'cis-5.0', 'prowler', 'tamper-protection']);
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
