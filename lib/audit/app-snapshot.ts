/**
 * An app's templates seen as the audit sees an account (pure): the same judges (judge-*.ts) then run on what the
 * app will deploy. Resources of the app get stand-in ARNs in the Region and account `app`; a subscription in the app
 * counts as confirmed (whether a person confirms an e-mail subscription is known only after deployment).
 */
import { AppModel, AppResource, isAwsNamespace } from './app-model';
import { AccountSnapshot, AlarmState, FilterState, KeyState, TopicState, TrailState } from './snapshot';

export const APP_REGION = 'app';
export const APP_ACCOUNT = 'app';

/** The stand-in ARN of an app resource (`arn:aws:sns:app:app:Stack/Topic1234`). */
export function appArn(r: AppResource): string {
  const service = r.type.split('::')[1].toLowerCase();
  const kind = r.type === 'AWS::Logs::LogGroup' ? 'log-group:' : r.type === 'AWS::CloudTrail::Trail' ? 'trail/' : r.type === 'AWS::KMS::Key' ? 'key/' : '';
  return `arn:aws:${service}:${APP_REGION}:${APP_ACCOUNT}:${kind}${r.key}`;
}

/** The name a log group has in the snapshot: its construct path (or key) when it is a resource of the app, else its literal name. */
export function logGroupName(g: { readonly logGroup?: AppResource; readonly logGroupName?: string }): string | undefined {
  return g.logGroup ? g.logGroup.constructPath ?? g.logGroup.key : g.logGroupName;
}

export interface AppSnapshotOptions {
  /**
   * The log groups a trail outside the app delivers to: each gets a stand-in trail that meets every requirement
   * (used when the app holds no trail, so that the filters and alarms are judged on their own).
   */
  readonly externalTrailLogGroups?: readonly string[];
}

export function appSnapshot(model: AppModel, options: AppSnapshotOptions = {}): AccountSnapshot {
  const trails: TrailState[] = model.trails.map((t) => {
    const p = t.resource.properties;
    const group = logGroupName(t);
    const basic = Array.isArray(p.EventSelectors)
      ? p.EventSelectors.map((s: any) => ({ includeManagementEvents: s?.IncludeManagementEvents !== false, readWriteType: s?.ReadWriteType ?? 'All' }))
      : [];
    const advanced = Array.isArray(p.AdvancedEventSelectors)
      ? p.AdvancedEventSelectors.map((s: any) => ({
        fieldSelectors: (Array.isArray(s?.FieldSelectors) ? s.FieldSelectors : []).map((f: any) => ({
          field: String(f?.Field),
          equals: f?.Equals,
          notEquals: f?.NotEquals,
        })),
      }))
      : [];
    return {
      name: t.resource.constructPath ?? t.resource.key,
      arn: appArn(t.resource),
      homeRegion: APP_REGION,
      multiRegion: p.IsMultiRegionTrail === true || p.IsMultiRegionTrail === 'true',
      organizationTrail: p.IsOrganizationTrail === true || p.IsOrganizationTrail === 'true',
      logGroupArn: group !== undefined ? `arn:aws:logs:${APP_REGION}:${APP_ACCOUNT}:log-group:${group}:*` : undefined,
      isLogging: p.IsLogging !== false && p.IsLogging !== 'false',
      // without selectors a trail records every management event
      selectors: basic.length + advanced.length === 0 ? { basic: [{ includeManagementEvents: true, readWriteType: 'All' }], advanced: [] } : { basic, advanced },
    };
  });
  for (const [i, group] of (options.externalTrailLogGroups ?? []).entries()) {
    trails.push({
      name: `a trail outside the app (delivering to ${group})`,
      arn: `arn:aws:cloudtrail:${APP_REGION}:${APP_ACCOUNT}:trail/external-${i}`,
      homeRegion: APP_REGION,
      multiRegion: true,
      organizationTrail: false,
      logGroupArn: `arn:aws:logs:${APP_REGION}:${APP_ACCOUNT}:log-group:${group}:*`,
      isLogging: true,
      selectors: { basic: [{ includeManagementEvents: true, readWriteType: 'All' }], advanced: [] },
    });
  }
  const filters: FilterState[] = model.filters.flatMap((f) => {
    const group = logGroupName(f);
    if (group === undefined || f.pattern === undefined) return [];
    return [{
      logGroup: { region: APP_REGION, name: group, account: APP_ACCOUNT },
      name: f.resource.constructPath ?? f.resource.key,
      pattern: f.pattern,
      namespace: f.namespace,
      metricName: f.metricName,
      metricValue: f.metricValue,
    }];
  });
  const alarms: AlarmState[] = model.alarms.flatMap((a) =>
    a.watches.filter((w) => !isAwsNamespace(w.namespace)).map((w) => ({
      region: APP_REGION,
      name: a.resource.constructPath ?? a.resource.key,
      namespace: w.namespace,
      metricName: w.metricName,
      statistic: w.statistic,
      threshold: a.threshold,
      comparison: a.comparison,
      actionsEnabled: a.actionsEnabled,
      alarmActions: a.actions.map((x) => (x.resource ? appArn(x.resource) : x.arn ?? '(an action the template computes)')),
      okActions: [],
    })),
  );
  const topics: Record<string, TopicState> = {};
  const keys: Record<string, KeyState> = {};
  for (const t of model.topics) {
    const keyId = t.key ? appArn(t.key) : t.keyLiteral;
    topics[appArn(t.resource)] = {
      arn: appArn(t.resource),
      attributes: keyId !== undefined ? { KmsMasterKeyId: keyId } : {},
      subscriptions: t.subscriptions.map((s, i) => ({ arn: `${appArn(t.resource)}:subscription-${i}`, protocol: s.protocol, endpoint: s.endpoint })),
    };
    if (t.key) keys[appArn(t.key)] = { id: appArn(t.key), policy: JSON.stringify(t.key.properties.KeyPolicy ?? {}) };
  }
  const groups = new Map<string, { region: string; name: string; account: string; listed: boolean }>();
  for (const f of filters) groups.set(f.logGroup.name, { ...f.logGroup, account: APP_ACCOUNT, listed: true });
  return {
    account: APP_ACCOUNT,
    regions: [APP_REGION],
    trailsListed: true,
    trails,
    logGroups: [...groups.values()],
    filters,
    alarmRegions: [{ region: APP_REGION, listed: true }],
    alarms,
    topics,
    keys,
    functions: {},
    problems: [],
  };
}
