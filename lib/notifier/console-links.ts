import { parse, requiredEventNames } from '../pattern';

function consoleHost(partition: string, region: string): string {
  if (partition === 'aws-us-gov') return 'console.amazonaws-us-gov.com';
  if (partition === 'aws-cn') return 'console.amazonaws.cn';
  return `${region}.console.aws.amazon.com`;
}

/** The alarm's page in the CloudWatch console. */
export function alarmConsoleUrl(partition: string, region: string, alarmName: string): string {
  return `https://${consoleHost(partition, region)}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

/**
 * Encodes a value inside the Logs Insights console fragment: every byte outside `[A-Za-z0-9_.-]` becomes `*` and two
 * hex digits (the console's escaping, `%` replaced by `*` so the fragment survives another round of URL decoding).
 */
export function insightsEscape(value: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.-]/.test(c) ? c : `*${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** A Logs Insights query that lists the CloudTrail fields the notification shows, narrowed to the pattern's event names. */
export function insightsQuery(pattern: string): string {
  let names: readonly string[] | undefined;
  try {
    names = requiredEventNames(parse(pattern));
  } catch {
    names = undefined;
  }
  const lines = ['fields @timestamp, eventTime, eventSource, eventName, userIdentity.arn, sourceIPAddress, awsRegion, errorCode, recipientAccountId'];
  if (names && names.length > 0) lines.push(`| filter eventName in [${[...new Set(names)].map((n) => JSON.stringify(n)).join(', ')}]`);
  lines.push('| sort @timestamp asc', '| limit 1000');
  return lines.join('\n');
}

/** A Logs Insights console link that runs `query` on the log group over [startMs, endMs). */
export function insightsConsoleUrl(partition: string, region: string, logGroupName: string, query: string, startMs: number, endMs: number): string {
  const detail =
    `~(end~'${insightsEscape(new Date(endMs).toISOString())}~start~'${insightsEscape(new Date(startMs).toISOString())}` +
    `~timeType~'ABSOLUTE~tz~'UTC~editorString~'${insightsEscape(query)}~source~(~'${insightsEscape(logGroupName)}))`;
  return `https://${consoleHost(partition, region)}/cloudwatch/home?region=${region}#logsV2:logs-insights$3FqueryDetail$3D${detail}`;
}
