/** The module a pool loads as an evaluation worker thread (outside the single-file bundle). */
import { runEvaluationWorker } from './worker.ts';

runEvaluationWorker();
