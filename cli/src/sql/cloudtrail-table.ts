/**
 * AWS's documented Athena table over CloudTrail logs (Athena user guide, "Create a table for CloudTrail logs";
 * SerDe `org.apache.hive.hcatalog.data.JsonSerDe`), seen from a filter pattern: which record field each column or
 * struct field holds, and the JSON type CloudTrail writes there.
 *
 * Record fields are camelCase (`userIdentity.sessionContext.sessionIssuer.arn`); the table's names are the same,
 * lower-cased (the SerDe matches keys without regard to case). `resources[].ARN` is upper case in the record.
 */
export type TableField =
  /** A STRING column or struct field that holds a JSON string in CloudTrail's records. */
  | { readonly kind: 'string'; readonly sql: string }
  /** A STRING column that holds a JSON boolean (the SerDe writes `true` / `false`). */
  | { readonly kind: 'boolean'; readonly sql: string }
  /** A STRING column whose JSON type varies between records (the table cannot tell `true` from `"true"`). */
  | { readonly kind: 'ambiguous'; readonly sql: string; readonly why: string }
  /** A STRING column that holds a JSON object as text: queried with json_extract / json_extract_scalar. */
  | { readonly kind: 'jsonText'; readonly sql: string }
  /** A STRUCT column or struct field. */
  | { readonly kind: 'struct'; readonly sql: string; readonly fields: Readonly<Record<string, TableField>> }
  /** An ARRAY<STRUCT<...>> column. */
  | { readonly kind: 'structArray'; readonly sql: string; readonly element: Readonly<Record<string, RelativeField>> }
  /** A map<string,string> struct field (webIdFederationData.attributes). */
  | { readonly kind: 'map'; readonly sql: string };

/** A field of an array element, addressed relative to the element's lambda variable. */
export interface RelativeField {
  readonly kind: 'string';
  /** The struct field name in the table. */
  readonly name: string;
}

const str = (sql: string): TableField => ({ kind: 'string', sql });

function struct(sql: string, fields: Record<string, (prefix: string) => TableField>): TableField {
  const built: Record<string, TableField> = {};
  for (const [name, make] of Object.entries(fields)) built[name] = make(sql);
  return { kind: 'struct', sql, fields: built };
}
const s = (column: string) => (prefix: string) => str(`${prefix}.${column}`);
const sub = (column: string, fields: Record<string, (prefix: string) => TableField>) => (prefix: string) =>
  struct(`${prefix}.${column}`, fields);

/** Top-level record fields that are columns of AWS's table, by their record (camelCase) name. */
export const CLOUDTRAIL_TABLE: Readonly<Record<string, TableField>> = {
  eventVersion: str('eventversion'),
  userIdentity: struct('useridentity', {
    type: s('type'),
    principalId: s('principalid'),
    arn: s('arn'),
    accountId: s('accountid'),
    invokedBy: s('invokedby'),
    accessKeyId: s('accesskeyid'),
    userName: s('username'),
    onBehalfOf: sub('onbehalfof', { userId: s('userid'), identityStoreArn: s('identitystorearn') }),
    sessionContext: sub('sessioncontext', {
      attributes: sub('attributes', { mfaAuthenticated: s('mfaauthenticated'), creationDate: s('creationdate') }),
      sessionIssuer: sub('sessionissuer', {
        type: s('type'),
        principalId: s('principalid'),
        arn: s('arn'),
        accountId: s('accountid'),
        userName: s('username'),
      }),
      ec2RoleDelivery: s('ec2roledelivery'),
      webIdFederationData: sub('webidfederationdata', {
        federatedProvider: s('federatedprovider'),
        attributes: (prefix) => ({ kind: 'map', sql: `${prefix}.attributes` }),
      }),
    }),
  }),
  eventTime: str('eventtime'),
  eventSource: str('eventsource'),
  eventName: str('eventname'),
  awsRegion: str('awsregion'),
  sourceIPAddress: str('sourceipaddress'),
  userAgent: str('useragent'),
  errorCode: str('errorcode'),
  errorMessage: str('errormessage'),
  requestParameters: { kind: 'jsonText', sql: 'requestparameters' },
  responseElements: { kind: 'jsonText', sql: 'responseelements' },
  additionalEventData: { kind: 'jsonText', sql: 'additionaleventdata' },
  requestID: str('requestid'),
  eventID: str('eventid'),
  resources: {
    kind: 'structArray',
    sql: 'resources',
    element: {
      ARN: { kind: 'string', name: 'arn' },
      accountId: { kind: 'string', name: 'accountid' },
      type: { kind: 'string', name: 'type' },
    },
  },
  eventType: str('eventtype'),
  apiVersion: str('apiversion'),
  readOnly: { kind: 'boolean', sql: 'readonly' },
  recipientAccountId: str('recipientaccountid'),
  serviceEventDetails: { kind: 'jsonText', sql: 'serviceeventdetails' },
  sharedEventID: str('sharedeventid'),
  vpcEndpointId: str('vpcendpointid'),
  vpcEndpointAccountId: str('vpcendpointaccountid'),
  eventCategory: str('eventcategory'),
  addendum: struct('addendum', {
    reason: s('reason'),
    updatedFields: s('updatedfields'),
    originalRequestID: s('originalrequestid'),
    originalEventID: s('originaleventid'),
  }),
  sessionCredentialFromConsole: {
    kind: 'ambiguous',
    sql: 'sessioncredentialfromconsole',
    why: 'CloudTrail writes it as the boolean true in some records and the string "true" in others, and the table column holds the text true for both',
  },
  edgeDeviceDetails: { kind: 'jsonText', sql: 'edgedevicedetails' },
  tlsDetails: struct('tlsdetails', {
    tlsVersion: s('tlsversion'),
    cipherSuite: s('ciphersuite'),
    clientProvidedHostHeader: s('clientprovidedhostheader'),
  }),
};

/** The table's own name for a record field differing only in case, for a "did you mean" hint. */
export function caseVariantOf(fields: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(fields).find((k) => k.toLowerCase() === lower && k !== name);
}
