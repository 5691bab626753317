import type { NotificationField } from '../catalogue/notification-fields';

/** What a notification says about one CloudTrail record. */
export interface EventSummary {
  /** `eventTime` as recorded (ISO 8601), or `?`. */
  readonly time: string;
  readonly principal: string;
  /** `eventSource` short name and `eventName`, e.g. `ec2:AuthorizeSecurityGroupIngress`. */
  readonly action: string;
  readonly sourceIp: string;
  readonly region: string;
  /** `errorCode`, or undefined for a successful call. */
  readonly errorCode?: string;
  /** `recipientAccountId` (the member account, for organization trails). */
  readonly account?: string;
  readonly eventId?: string;
  /** The detection's fields that have a value in this record. */
  readonly fields: ReadonlyArray<{ readonly label: string; readonly value: string }>;
}

const MAX_VALUE = 200;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The values at a dotted CloudTrail path; `[]` after a segment takes every element of an array there
 * (`requestParameters.ipPermissions.items[].fromPort`). Absent paths give no values.
 */
export function valuesAt(record: unknown, path: string): unknown[] {
  let current: unknown[] = [record];
  for (const raw of path.split('.')) {
    const spread = raw.endsWith('[]');
    const key = spread ? raw.slice(0, -2) : raw;
    const next: unknown[] = [];
    for (const v of current) {
      if (!isObject(v) || !Object.prototype.hasOwnProperty.call(v, key)) continue;
      const child = v[key];
      if (spread) {
        if (Array.isArray(child)) next.push(...child);
      } else {
        next.push(child);
      }
    }
    current = next;
  }
  return current.filter((v) => v !== undefined && v !== null && v !== '');
}

function display(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return clip(text.replace(/[\u0000-\u001f\u007f]+/g, ' '), MAX_VALUE);
}

/** Cuts text to at most `max` characters, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Who made the call: the identity's ARN where there is one, otherwise its user name, principal id or service. */
export function principalOf(record: Json): string {
  const id = isObject(record.userIdentity) ? record.userIdentity : {};
  const type = str(id.type);
  const arn = str(id.arn);
  if (type === 'Root') return arn ? `root (${arn})` : 'root';
  if (arn) return arn;
  const name = str(id.userName) ?? str(id.principalId) ?? str(id.invokedBy);
  if (name) return type ? `${type} ${name}` : name;
  // failed console sign-ins of unknown users carry the typed user name only here
  const typed = isObject(record.additionalEventData) ? str(record.additionalEventData.LoginTo) : undefined;
  return type ?? typed ?? 'unknown principal';
}

/** The summary of one record, with the detection's fields. */
export function summarizeEvent(record: Json, fields: readonly NotificationField[]): EventSummary {
  const source = str(record.eventSource)?.replace(/\.amazonaws\.com$/, '');
  const name = str(record.eventName) ?? '?';
  const shown: Array<{ label: string; value: string }> = [];
  for (const f of fields) {
    for (const p of f.paths) {
      const values = valuesAt(record, p);
      if (values.length === 0) continue;
      const unique = [...new Set(values.map(display))];
      shown.push({ label: f.label, value: clip(unique.join(', '), MAX_VALUE) });
      break;
    }
  }
  return {
    time: str(record.eventTime) ?? '?',
    principal: clip(principalOf(record), MAX_VALUE),
    action: source ? `${source}:${name}` : name,
    sourceIp: clip(str(record.sourceIPAddress) ?? '?', 100),
    region: str(record.awsRegion) ?? '?',
    errorCode: str(record.errorCode),
    account: str(record.recipientAccountId),
    eventId: str(record.eventID),
    fields: shown,
  };
}
