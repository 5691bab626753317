import * as sns from 'aws-cdk-lib/aws-sns';
import type { NotifiedDetection } from '../alarm-notifier';
import { Severity } from '../catalogue/severity';
import { factsFromPlan } from '../notifier/config';

/** The notifier's view of a planned detection (the catalogue summary for built-in ones). */
export function notifiedDetectionOf(
  plan: { id: string; title: string; severity: Severity; pattern: string; metricNamespace: string; metricName: string; alarmDescription: string },
  notificationTopic: sns.ITopic,
): NotifiedDetection {
  const facts = factsFromPlan(plan);
  return {
    detectionId: facts.id,
    title: facts.title,
    severity: plan.severity,
    summary: facts.summary,
    pattern: facts.pattern,
    metricNamespace: facts.metricNamespace,
    metricName: facts.metricName,
    notificationTopic,
  };
}
