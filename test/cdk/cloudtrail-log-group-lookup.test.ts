import * as fs from 'fs';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { CloudTrailAlarms, CloudTrailLogGroupLookup } from '../../lib';
import { LOOKUP_BUNDLE_DIR } from '../../lib/cdk/private/log-group-lookup-provider';

const LOOKUP_ATTRIBUTE = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });

function logicalIdOf(stack: Stack, type: string): string {
  const ids = Object.keys(Template.fromStack(stack).findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('CloudTrailLogGroupLookup', () => {
  let stack: Stack;
  beforeEach(() => {
    stack = new Stack(new App(), 'ControlTower', { env: { account: '111122223333', region: 'eu-west-1' } });
  });

  test('looks up the Control Tower prefix by default, through a custom resource backed by the function', () => {
    // GIVEN / WHEN
    const lookup = new CloudTrailLogGroupLookup(stack, 'Lookup');

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::CloudTrailLogGroupLookup', 1);
    const functionId = logicalIdOf(stack, 'AWS::Lambda::Function');
    template.hasResourceProperties('Custom::CloudTrailLogGroupLookup', {
      ServiceToken: { 'Fn::GetAtt': [functionId, 'Arn'] },
      NamePrefix: 'aws-controltower/CloudTrailLogs',
      ServiceTimeout: '300',
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Handler: 'index.handler', Timeout: 120 });
    expect(lookup.namePrefix).toEqual('aws-controltower/CloudTrailLogs');
  });

  test('exposes the name and ARN found as the custom resource\'s attributes, and a log group named by them', () => {
    const lookup = new CloudTrailLogGroupLookup(stack, 'Lookup', { namePrefix: 'aws-controltower/CloudTrailLogs-' });
    const id = logicalIdOf(stack, 'Custom::CloudTrailLogGroupLookup');
    expect(stack.resolve(lookup.logGroupName)).toEqual(LOOKUP_ATTRIBUTE(id, 'LogGroupName'));
    expect(stack.resolve(lookup.logGroupArn)).toEqual(LOOKUP_ATTRIBUTE(id, 'Arn'));
    expect(stack.resolve(lookup.logGroup.logGroupName)).toEqual(LOOKUP_ATTRIBUTE(id, 'LogGroupName'));
    expect(stack.resolve(lookup.logGroup.logGroupArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111122223333:log-group:', LOOKUP_ATTRIBUTE(id, 'LogGroupName'), ':*']],
    });
    Template.fromStack(stack).hasResourceProperties('Custom::CloudTrailLogGroupLookup', { NamePrefix: 'aws-controltower/CloudTrailLogs-' });
  });

  test('the function may list the log groups of its account and Region and write its own logs, nothing else', () => {
    new CloudTrailLogGroupLookup(stack, 'Lookup');
    const template = Template.fromStack(stack);
    const logsId = logicalIdOf(stack, 'AWS::Logs::LogGroup');
    const roleId = logicalIdOf(stack, 'AWS::IAM::Role');
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ListLogGroups',
            Effect: 'Allow',
            Action: 'logs:DescribeLogGroups',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']] },
          },
          { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logsId, 'Arn'] } },
        ],
      },
    });
    // no managed policy of AWS's (AWSLambdaBasicExecutionRole would let it write to any log group)
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logsId } } });
    // CloudFormation invokes the function as soon as it exists: the policy is attached by then
    const policyId = logicalIdOf(stack, 'AWS::IAM::ManagedPolicy');
    template.hasResource('AWS::Lambda::Function', { DependsOn: Match.arrayWith([policyId]) });
  });

  test('every lookup of a stack shares one function', () => {
    const a = new CloudTrailLogGroupLookup(stack, 'ControlTower');
    new CloudTrailLogGroupLookup(stack, 'Other', { namePrefix: 'org/CloudTrail-' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('Custom::CloudTrailLogGroupLookup', 2);
    template.hasResourceProperties('Custom::CloudTrailLogGroupLookup', { NamePrefix: 'org/CloudTrail-' });
    expect(a.node.path).toEqual('ControlTower/ControlTower');
  });

  test('CloudTrailAlarms on the lookup\'s log group puts its metric filters on the name found', () => {
    // GIVEN
    const lookup = new CloudTrailLogGroupLookup(stack, 'Lookup');

    // WHEN
    new CloudTrailAlarms(stack, 'Alarms', { logGroup: lookup.logGroup, emailAddresses: ['security@example.com'] });

    // THEN
    const template = Template.fromStack(stack);
    const id = logicalIdOf(stack, 'Custom::CloudTrailLogGroupLookup');
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    // the 23 filters of the recommended profile, and the notifier's own PublishFailures filter on its function logs
    expect(filters.length).toEqual(24);
    const onLookup = filters.filter((f) => JSON.stringify(f.Properties.LogGroupName) === JSON.stringify(LOOKUP_ATTRIBUTE(id, 'LogGroupName')));
    expect(onLookup.length).toEqual(23);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: LOOKUP_ATTRIBUTE(id, 'LogGroupName'),
      FilterPattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    });
    // no trail is created: the Control Tower trail delivers to the log group
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    // the notifier reads the log group found (FilterLogEvents on its ARN)
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'logs:FilterLogEvents',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111122223333:log-group:', LOOKUP_ATTRIBUTE(id, 'LogGroupName')]] },
          }),
        ]),
      },
    });
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  test('accepts a prefix known only at deploy time', () => {
    const prefix = new CfnParameter(stack, 'Prefix', { type: 'String' });
    new CloudTrailLogGroupLookup(stack, 'Lookup', { namePrefix: prefix.valueAsString });
    Template.fromStack(stack).hasResourceProperties('Custom::CloudTrailLogGroupLookup', { NamePrefix: { Ref: 'Prefix' } });
  });

  test('fails if `namePrefix` is empty', () => {
    expect(() => new CloudTrailLogGroupLookup(stack, 'Lookup', { namePrefix: '' })).toThrow(
      /^`namePrefix` must be the start of a log group name, 1-512 characters among letters, digits and \. - _ \/ #, got ""\.$/,
    );
  });

  test('fails if `namePrefix` holds a character no log group name can have', () => {
    expect(() => new CloudTrailLogGroupLookup(stack, 'Lookup', { namePrefix: 'aws-controltower/CloudTrailLogs*' })).toThrow(
      /`namePrefix` must be the start of a log group name, .*got "aws-controltower\/CloudTrailLogs\*"\./,
    );
  });

  test('fails if `namePrefix` is longer than a log group name can be', () => {
    expect(() => new CloudTrailLogGroupLookup(stack, 'Lookup', { namePrefix: 'a'.repeat(513) })).toThrow(/`namePrefix` must be the start of a log group name, 1-512 characters/);
  });

  test('the compliance packs report only the DescribeLogGroups resource, which no prefix can narrow', () => {
    new CloudTrailLogGroupLookup(stack, 'Lookup');
    const packs: NagPack[] = [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks()];
    const violations = packs.flatMap((pack) => pack.validateScope(stack).violations);
    // aws-cdk-lib cannot acknowledge a finding of a rule (its id holds '::'): docs/construct.md explains this one
    expect(violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]: ControlTower/CloudTrailLogGroupLookupProvider/Policy/Resource',
    ]);
  });
});

describe('CloudTrailLogGroupLookup without its bundle', () => {
  const index = `${LOOKUP_BUNDLE_DIR}/index.js`;
  const moved = `${LOOKUP_BUNDLE_DIR}/index.js.moved-by-test`;
  beforeEach(() => fs.renameSync(index, moved));
  afterEach(() => fs.renameSync(moved, index));

  test('fails if the function bundle is missing, saying how to build it', () => {
    const stack = new Stack(new App(), 'NoBundle');
    expect(() => new CloudTrailLogGroupLookup(stack, 'Lookup')).toThrow(
      /^The log group lookup function bundle is missing \(.*assets\/lib\/log-group-lookup-function\/log-group-lookup\.lambda\/index\.js\)\. The npm package ships it; in a clone of the repository run 'npx projen bundle'/,
    );
  });
});
