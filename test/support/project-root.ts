import * as path from 'node:path';

/** The root of this project (where package.json is), for tests and their helpers. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');
