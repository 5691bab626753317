// Starts the local engine's worker from its TypeScript source (tests only: production runs the compiled worker.js).
const path = require('path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', '..', '..', 'tsconfig.dev.json') });
require('../../../lib/engines/local/worker.ts');
