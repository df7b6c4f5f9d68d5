#!/usr/bin/env node
import { createApp } from '../lib/synth';

// The same construction as every test, npm start and the benchmark (lib/synth.ts).
createApp();
