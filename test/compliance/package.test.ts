import * as fs from 'fs';
import * as path from 'path';
import { cli } from '../../cli/test/commands/helpers';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

describe('package hygiene', () => {
  test.each(['--version', '-V'])('cloudtrail-alarms %s prints the package version and exits 0', async (flag) => {
    const r = await cli([flag]);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  test('the usage mentions --version', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/cloudtrail-alarms --version/);
  });

  test('the JSON Schema of detections.json is published with the package (no npmignore rule drops it)', () => {
    const ignore = fs.readFileSync(path.join(__dirname, '..', '..', '.npmignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(pkg.files).toBeUndefined();
    expect(ignore.filter((l) => /detections|\*\.json$|^\/\*$/.test(l) && !l.startsWith('!'))).toEqual([]);
  });
});
