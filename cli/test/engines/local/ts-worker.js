// Starts the local engine's worker from its TypeScript source (tests only: production runs the compiled worker.js).
const path = require('path');
require('ts-node').register({ transpileOnly: true, skipIgnore: true, project: path.join(__dirname, '..', '..', '..', '..', 'tsconfig.dev.json') });
require('../../../src/engines/local/worker.ts');
