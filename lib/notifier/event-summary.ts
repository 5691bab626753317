import type { NotificationField } from '../catalogue/notification-fields';

/**
 * What a notification says about one CloudTrail record. Values are kept as the record has them (raw, uncut): the
 * formatter neutralises, quotes and cuts them (see `shown-value.ts`), so nothing written by the caller reaches a message
 * unescaped.
 */
export interface EventSummary {
  /** `eventTime` as recorded (ISO 8601), or undefined. */
  readonly time?: string;
  readonly principal: Principal;
  /** `eventSource` without `.amazonaws.com`, or undefined. */
  readonly source?: string;
  readonly eventName?: string;
  readonly sourceIp?: string;
  readonly region?: string;
  /** `errorCode`, or undefined for a successful call. */
  readonly errorCode?: string;
  /** `recipientAccountId` (the member account, for organization trails). */
  readonly account?: string;
  readonly eventId?: string;
  /** The detection's fields that have a value in this record. */
  readonly fields: readonly ShownField[];
}

/** Who made the call: a kind (`root`, or `userIdentity.type` when no ARN names the identity) and a name. */
export interface Principal {
  /** `root`, `userIdentity.type` (raw), or `unknown principal`. */
  readonly kind?: string;
  /** The ARN, user name, principal id or service (raw). */
  readonly name?: string;
}

/** One field of the detection as found in a record: its label and its distinct values (strings raw, numbers, booleans). */
export interface ShownField {
  readonly label: string;
  readonly values: ReadonlyArray<string | number | boolean>;
}

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

/** A field value as shown: strings as they are, finite numbers and booleans as such, anything else as its JSON text. */
function fieldValue(v: unknown): string | number | boolean {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return JSON.stringify(v) ?? String(v);
}

/** Cuts text to at most `max` characters, ending with an ellipsis when cut. For the notifier's own text only. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Who made the call: the identity's ARN where there is one, otherwise its user name, principal id or service. */
export function principalOf(record: Json): Principal {
  const id = isObject(record.userIdentity) ? record.userIdentity : {};
  const type = str(id.type);
  const arn = str(id.arn);
  if (type === 'Root') return { kind: 'root', name: arn };
  if (arn) return { name: arn };
  const name = str(id.userName) ?? str(id.principalId) ?? str(id.invokedBy);
  if (name) return { kind: type, name };
  // failed console sign-ins of unknown users carry the typed user name only here
  const typed = isObject(record.additionalEventData) ? str(record.additionalEventData.LoginTo) : undefined;
  if (type) return { kind: type };
  return typed ? { name: typed } : { kind: 'unknown principal' };
}

/** The summary of one record, with the detection's fields. */
export function summarizeEvent(record: Json, fields: readonly NotificationField[]): EventSummary {
  const shown: ShownField[] = [];
  for (const f of fields) {
    for (const p of f.paths) {
      const values = valuesAt(record, p);
      if (values.length === 0) continue;
      shown.push({ label: f.label, values: [...new Set(values.map(fieldValue))] });
      break;
    }
  }
  return {
    time: str(record.eventTime),
    principal: principalOf(record),
    source: str(record.eventSource)?.replace(/\.amazonaws\.com$/, ''),
    eventName: str(record.eventName),
    sourceIp: str(record.sourceIPAddress),
    region: str(record.awsRegion),
    errorCode: str(record.errorCode),
    account: str(record.recipientAccountId),
    eventId: str(record.eventID),
    fields: shown,
  };
}
