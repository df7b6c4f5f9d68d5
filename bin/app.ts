#!/usr/bin/env node
import { SchemaModelError } from '../lib/schema-model';
import { createApp } from '../lib/synth';

// The same construction as every test, npm start and the benchmark (lib/synth.ts).
try {
  createApp();
} catch (error) {
  // A schema the app cannot be built from is the user's to fix: its message says where, and a stack trace would bury it.
  if (!(error instanceof SchemaModelError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
