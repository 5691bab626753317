import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { catalogueDocument, catalogueJson } from '../../lib/filters/catalogue-document';

const root = path.join(__dirname, '..', '..');
const schema = JSON.parse(fs.readFileSync(path.join(root, 'detections.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);
const errorsOf = (doc: unknown) => (validate(doc) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));

describe('detections.json and its JSON Schema', () => {
  test('the generated catalogue document is valid against detections.schema.json', () => {
    expect(errorsOf(catalogueDocument())).toEqual([]);
  });

  test('the committed detections.json is valid and is what the build generates', () => {
    const committed = fs.readFileSync(path.join(root, 'detections.json'), 'utf8');
    expect(errorsOf(JSON.parse(committed))).toEqual([]);
    expect(committed).toBe(catalogueJson());
  });

  test('the document carries schemaVersion 1', () => {
    expect(catalogueDocument().schemaVersion).toBe(1);
  });

  test.each([
    ['without schemaVersion', (d: any) => delete d.schemaVersion, /must have required property 'schemaVersion'/],
    ['with another schemaVersion', (d: any) => (d.schemaVersion = 2), /schemaVersion must be equal to constant/],
    ['with a period CloudWatch rejects', (d: any) => (d.profiles.recommended.detections[0].periodSeconds = 45), /periodSeconds must be multiple of 60/],
    ['with an AWS/ namespace', (d: any) => (d.profiles.recommended.detections[0].metricNamespace = 'AWS/Logs'), /metricNamespace must match pattern/],
    ['with an unknown severity', (d: any) => (d.profiles.recommended.detections[0].severity = 'URGENT'), /severity must be equal to one of the allowed values/],
  ])('fails a document %s', (_what, mutate, message) => {
    const doc = JSON.parse(catalogueJson());
    mutate(doc);
    expect(errorsOf(doc).join('\n')).toMatch(message);
  });

  test('unknown fields are allowed (adding a field keeps schemaVersion)', () => {
    const doc = JSON.parse(catalogueJson());
    doc.profiles.recommended.detections[0].newField = 'x';
    expect(errorsOf(doc)).toEqual([]);
  });
});
