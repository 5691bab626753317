import * as fs from 'fs';
import * as path from 'path';
import { cli } from './helpers';
import { catalogueJson } from '../../lib/catalogue/document';

describe('cloudtrail-alarms patterns', () => {
  test('--profile recommended --format json lists all seventeen detections with the documented fields', async () => {
    const r = await cli(['patterns', '--profile', 'recommended', '--format', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(17);
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
    expect(fmt.stderr).toMatch(/--format must be json, yaml or text, got 'xml'/);
  });

  test('detections.json shipped with the package is current (regenerate with `npx projen catalogue`)', () => {
    const shipped = fs.readFileSync(path.join(__dirname, '..', '..', 'detections.json'), 'utf8');
    expect(shipped).toEqual(catalogueJson());
    const doc = JSON.parse(shipped);
    expect(Object.keys(doc.profiles)).toEqual(['recommended', 'aws-template', 'security-hub', 'cis-1.4', 'cis-5.0', 'prowler']);
  });
});
