/**
 * A seeded, realistic synthetic CloudTrail corpus in S3 delivery format (`{"Records":[...]}` per .json.gz file,
 * AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/ layout).
 *
 * Shape (documented in the README, modelled on the shared corpus of real records):
 * - ~1.2 KB per record on average (CloudTrail's own average is 1-1.5 KB): full userIdentity with sessionContext for
 *   assumed roles, requestParameters and responseElements of a few hundred bytes for writes, TLS details;
 * - event mix: ~80% read-only Describe/Get/List calls (EC2, S3, IAM, STS, KMS Decrypt by services), ~15% ordinary
 *   writes (PutObject, AssumeRole, CreateTags, UpdateItem, ...), ~5% security-relevant writes spread over the
 *   detections' event names (security groups, IAM policies, route tables, RunInstances, ConsoleLogin, ...); the KMS
 *   deletion events are rare (about 1 in 100,000 records);
 * - user types: AssumedRole 68%, AWSService 17%, IAMUser 12%, FederatedUser 2%, Root 0.1%;
 * - errors: 2.5% AccessDenied / Client.UnauthorizedOperation, 1% throttling, otherwise none;
 * - 400-600 records per file, one file per 5 minutes per Region, records in time order within a file.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/* eslint-disable no-bitwise */
/** mulberry32: a small seeded PRNG, so the corpus is the same on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

type Pick = <T>(items: readonly T[]) => T;

const READS: Array<[string, string]> = [
  ['ec2.amazonaws.com', 'DescribeInstances'], ['ec2.amazonaws.com', 'DescribeSecurityGroups'], ['ec2.amazonaws.com', 'DescribeVolumes'],
  ['ec2.amazonaws.com', 'DescribeSubnets'], ['s3.amazonaws.com', 'GetBucketAcl'], ['s3.amazonaws.com', 'ListBuckets'],
  ['s3.amazonaws.com', 'GetBucketLocation'], ['iam.amazonaws.com', 'GetRole'], ['iam.amazonaws.com', 'ListRoles'],
  ['sts.amazonaws.com', 'GetCallerIdentity'], ['kms.amazonaws.com', 'Decrypt'], ['kms.amazonaws.com', 'GenerateDataKey'],
  ['logs.amazonaws.com', 'DescribeLogGroups'], ['cloudwatch.amazonaws.com', 'DescribeAlarms'], ['lambda.amazonaws.com', 'ListFunctions20150331'],
  ['dynamodb.amazonaws.com', 'DescribeTable'], ['ssm.amazonaws.com', 'GetParameter'], ['secretsmanager.amazonaws.com', 'GetSecretValue'],
];
const WRITES: Array<[string, string]> = [
  ['sts.amazonaws.com', 'AssumeRole'], ['ec2.amazonaws.com', 'CreateTags'], ['ec2.amazonaws.com', 'CreateNetworkInterface'],
  ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2'], ['logs.amazonaws.com', 'CreateLogStream'], ['ssm.amazonaws.com', 'PutParameter'],
  ['dynamodb.amazonaws.com', 'UpdateTable'], ['autoscaling.amazonaws.com', 'UpdateAutoScalingGroup'], ['ecs.amazonaws.com', 'RegisterTaskDefinition'],
];
const SECURITY: Array<[string, string]> = [
  ['ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress'], ['ec2.amazonaws.com', 'RevokeSecurityGroupEgress'], ['ec2.amazonaws.com', 'CreateSecurityGroup'],
  ['ec2.amazonaws.com', 'CreateNetworkAclEntry'], ['ec2.amazonaws.com', 'CreateRoute'], ['ec2.amazonaws.com', 'CreateRouteTable'],
  ['ec2.amazonaws.com', 'RunInstances'], ['ec2.amazonaws.com', 'StopInstances'], ['ec2.amazonaws.com', 'TerminateInstances'],
  ['ec2.amazonaws.com', 'CreateVpc'], ['ec2.amazonaws.com', 'AttachInternetGateway'], ['iam.amazonaws.com', 'PutRolePolicy'],
  ['iam.amazonaws.com', 'AttachRolePolicy'], ['iam.amazonaws.com', 'CreatePolicyVersion'], ['s3.amazonaws.com', 'PutBucketPolicy'],
  ['s3.amazonaws.com', 'PutBucketAcl'], ['config.amazonaws.com', 'PutConfigurationRecorder'], ['cloudtrail.amazonaws.com', 'UpdateTrail'],
  ['signin.amazonaws.com', 'ConsoleLogin'], ['organizations.amazonaws.com', 'DescribeOrganization'],
];
const INSTANCE_TYPES = ['t3.micro', 't3.large', 'm5.large', 'm5.xlarge', 'c6i.2xlarge', 'm5.4xlarge', 'r6g.8xlarge', 'm5.12xlarge'];
const AGENTS = [
  'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.173.0',
  'Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10.220-209.869.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144',
  'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#ec2.describe-instances',
  'console.amazonaws.com',
  'AWS Internal',
];
const ROLES = ['app-backend', 'ci-deployer', 'data-pipeline', 'AWSReservedSSO_Developer_0123456789abcdef', 'eks-node-group', 'lambda-exec-orders'];

export interface CorpusSpec {
  readonly records: number;
  readonly seed: number;
  readonly recordsPerFile: number;
}

export interface CorpusInfo {
  readonly dir: string;
  readonly files: string[];
  readonly records: number;
  readonly uncompressedBytes: number;
  readonly compressedBytes: number;
}

function identity(r: () => number, pick: Pick, account: string): Record<string, unknown> {
  const u = r();
  if (u < 0.68) {
    const role = pick(ROLES);
    const session = `session-${Math.floor(r() * 1e9)}`;
    return {
      type: 'AssumedRole',
      principalId: `AROA${Math.floor(r() * 1e12).toString(36).toUpperCase()}:${session}`,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
      accountId: account,
      accessKeyId: `ASIA${Math.floor(r() * 1e15).toString(36).toUpperCase()}`,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
        webIdFederationData: {},
        attributes: { creationDate: '2026-11-01T09:55:01Z', mfaAuthenticated: 'false' },
      },
    };
  }
  if (u < 0.85) return { type: 'AWSService', invokedBy: pick(['ec2.amazonaws.com', 'lambda.amazonaws.com', 'autoscaling.amazonaws.com', 'config.amazonaws.com']) };
  if (u < 0.97) {
    const user = pick(['alice', 'bob', 'carol', 'deploy-bot', 'backup']);
    return { type: 'IAMUser', principalId: 'AIDAEXAMPLEUSERID', arn: `arn:aws:iam::${account}:user/${user}`, accountId: account, accessKeyId: 'AKIAEXAMPLEKEY', userName: user };
  }
  if (u < 0.999) return { type: 'FederatedUser', principalId: `${account}:federated`, arn: `arn:aws:sts::${account}:federated-user/federated`, accountId: account };
  return { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: 'ASIAROOTKEY' };
}

function makeRecord(r: () => number, pick: Pick, t: number, account: string, region: string): Record<string, unknown> {
  const u = r();
  let source: string;
  let name: string;
  if (u < 0.8) [source, name] = pick(READS);
  else if (u < 0.95) [source, name] = pick(WRITES);
  else [source, name] = pick(SECURITY);
  // rare: KMS key deletion (the "rare detection" of the search benchmark)
  if (r() < 0.00001) [source, name] = ['kms.amazonaws.com', r() < 0.5 ? 'ScheduleKeyDeletion' : 'DisableKey'];
  const readOnly = u < 0.8;
  const id = Math.floor(r() * 0xffffffffffff).toString(16).padStart(12, '0');
  const rec: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: identity(r, pick, account),
    eventTime: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: source,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: r() < 0.3 ? source : `${10 + Math.floor(r() * 200)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
    userAgent: pick(AGENTS),
    requestParameters: readOnly
      ? { maxResults: 1000, filterSet: { items: [{ name: 'tag:Environment', valueSet: { items: [{ value: 'production' }] } }] } }
      : {
        resourceId: `res-${id}`,
        instanceType: name === 'RunInstances' ? pick(INSTANCE_TYPES) : undefined,
        groupId: `sg-${id.slice(0, 8)}`,
        ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '10.0.0.0/8', description: 'internal' }] } }] },
      },
    responseElements: readOnly ? null : { requestId: `${id}-resp`, _return: true, resourceArn: `arn:aws:${source.split('.')[0]}:${region}:${account}:resource/${id}` },
    requestID: `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(1, 4)}-8${id.slice(4, 7)}-${id}`,
    eventID: `${id.slice(4, 12)}-${id.slice(0, 4)}-4${id.slice(5, 8)}-9${id.slice(2, 5)}-${id.split('').reverse().join('')}`,
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${source.split('.')[0]}.${region}.amazonaws.com` },
  };
  if (name === 'ConsoleLogin') {
    rec.eventType = 'AwsConsoleSignIn';
    rec.additionalEventData = { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: r() < 0.8 ? 'Yes' : 'No' };
    rec.responseElements = { ConsoleLogin: r() < 0.9 ? 'Success' : 'Failure' };
    if ((rec.responseElements as Record<string, string>).ConsoleLogin === 'Failure') rec.errorMessage = 'Failed authentication';
  }
  const e = r();
  if (e < 0.025) {
    rec.errorCode = source === 'ec2.amazonaws.com' ? 'Client.UnauthorizedOperation' : 'AccessDenied';
    rec.errorMessage = `User: ${(rec.userIdentity as Record<string, string>).arn ?? 'unknown'} is not authorized to perform: ${source.split('.')[0]}:${name}`;
  } else if (e < 0.035) {
    rec.errorCode = 'ThrottlingException';
    rec.errorMessage = 'Rate exceeded';
  }
  return rec;
}

/** Generates the corpus unless an identical one (same spec) is already on disk. */
export function ensureCorpus(root: string, spec: CorpusSpec): CorpusInfo {
  const manifestFile = path.join(root, 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (JSON.stringify(m.spec) === JSON.stringify(spec) && m.files.every((f: string) => fs.existsSync(f))) return m.info;
  }
  fs.rmSync(root, { recursive: true, force: true });
  const r = rng(spec.seed);
  const pick: Pick = (items) => items[Math.floor(r() * items.length)];
  const account = '111122223333';
  const regions = ['us-east-1', 'eu-west-1'];
  const files: string[] = [];
  let t = Date.parse('2026-10-01T00:00:00Z');
  let written = 0;
  let uncompressed = 0;
  let compressed = 0;
  let fileIndex = 0;
  while (written < spec.records) {
    const region = regions[fileIndex % regions.length];
    const n = Math.min(spec.records - written, Math.floor(spec.recordsPerFile * (0.8 + r() * 0.4)));
    const records: Record<string, unknown>[] = [];
    for (let i = 0; i < n; i++) {
      t += Math.floor(r() * 1200);
      records.push(makeRecord(r, pick, t, account, region));
    }
    const d = new Date(t);
    const dir = path.join(root, 'AWSLogs', account, 'CloudTrail', region, String(d.getUTCFullYear()), String(d.getUTCMonth() + 1).padStart(2, '0'), String(d.getUTCDate()).padStart(2, '0'));
    fs.mkdirSync(dir, { recursive: true });
    const stamp = d.toISOString().replace(/[-:]/g, '').slice(0, 13);
    const file = path.join(dir, `${account}_CloudTrail_${region}_${stamp}Z_${String(fileIndex).padStart(6, '0')}.json.gz`);
    const text = JSON.stringify({ Records: records });
    const gz = zlib.gzipSync(text, { level: 6 });
    fs.writeFileSync(file, gz);
    files.push(file);
    uncompressed += Buffer.byteLength(text);
    compressed += gz.length;
    written += n;
    fileIndex++;
  }
  const info: CorpusInfo = { dir: root, files, records: written, uncompressedBytes: uncompressed, compressedBytes: compressed };
  fs.writeFileSync(manifestFile, JSON.stringify({ spec, files, info }));
  return info;
}
