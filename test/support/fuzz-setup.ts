import { configureFuzzRuns } from './fuzz-runs.js';

configureFuzzRuns();
