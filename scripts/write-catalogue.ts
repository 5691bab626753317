/** Writes detections.json (the catalogue as data, for tools that do not run code). Run by the build. */
import * as fs from 'fs';
import * as path from 'path';
import { catalogueJson } from '../lib/filters/catalogue-document';

const file = path.resolve(__dirname, '..', 'detections.json');
fs.writeFileSync(file, catalogueJson());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
