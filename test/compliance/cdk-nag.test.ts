import * as fs from 'fs';
import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { EXAMPLE_NAMES, exampleStack } from './examples';

const PACKS: Record<string, () => NagPack> = {
  'AwsSolutions': () => new AwsSolutionsChecks(),
  'NIST 800-53 R5': () => new NIST80053R5Checks(),
  'HIPAA Security': () => new HIPAASecurityChecks(),
  'PCI DSS 3.2.1': () => new PCIDSS321Checks(),
};

describe.each(EXAMPLE_NAMES)('example %s', (name) => {
  test.each(Object.keys(PACKS))('%s reports no finding', (pack) => {
    const report = PACKS[pack]().validateScope(exampleStack(name));
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

/** Every acknowledged rule in a stack: construct path (below the construct) and rule id, with the reason. */
function acknowledgments(root: IConstruct): Array<{ path: string; rule: string; reason: string }> {
  const out: Array<{ path: string; rule: string; reason: string }> = [];
  for (const c of root.node.findAll()) {
    // each acknowledge() call adds an entry holding all of the construct's acknowledgments so far: the last one counts
    const last = c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).pop();
    for (const [rule, reason] of Object.entries((last?.data ?? {}) as Record<string, string>)) {
      out.push({ path: c.node.path.split('/').slice(2).join('/'), rule: rule.replace(/^annotation::/i, ''), reason });
    }
  }
  return out;
}

describe('suppressions', () => {
  const expected = ['TrailBucket', 'TrailAccessLogsBucket'].flatMap((bucket) =>
    ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => `${bucket} ${pack}-S3BucketReplicationEnabled`),
  ).concat(['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => `TrailAccessLogsBucket ${pack}-S3DefaultEncryptionKMS`));
  // the notifier's (eventDetails is on by default), on its own resources
  const notifier = [
    'Notifier/DeadLetterQueue AwsSolutions-SQS3',
    'Notifier/Policy AwsSolutions-IAM5',
    'Notifier/Function AwsSolutions-L1',
    ...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => `Notifier/Function ${pack}-LambdaInsideVPC`),
    // no reserved concurrency by default (none can be reserved in accounts limited to 10 concurrent executions)
    ...['NIST.800.53.R5', 'HIPAA.Security'].map((pack) => `Notifier/Function ${pack}-LambdaConcurrency`),
  ];

  test('only the documented findings are acknowledged, each on its one resource with a reason', () => {
    const found = acknowledgments(exampleStack('basic'));
    expect(found.map((a) => `${a.path} ${a.rule}`).sort()).toEqual([...expected, ...notifier].sort());
    for (const a of found) expect(a.reason.length).toBeGreaterThan(40);
  });

  test('a stack without a created trail acknowledges only the notifier\'s findings', () => {
    expect(acknowledgments(exampleStack('existingTrail')).map((a) => `${a.path} ${a.rule}`).sort()).toEqual([...notifier].sort());
  });

  test('the suppression table of docs/security-model.md lists every acknowledged rule', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'security-model.md'), 'utf8');
    const examples = ['basic', 'recommended', 'existingTrail'] as const;
    for (const rule of new Set(examples.flatMap((e) => acknowledgments(exampleStack(e))).map((a) => a.rule.replace(/^[A-Z.0-9]+-/i, '')))) {
      expect(doc).toMatch(new RegExp(`\\| \`${rule}\` \\|`));
    }
  });
});
