import { writeSync } from 'node:fs';

/**
 * Prints one plain closing line, `tests: N passed, N failed`, as the very last line of a run (after
 * jest's own summary, hence at process exit), so that any log reader can tell how many tests ran
 * without parsing jest's format.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    process.once('exit', () => writeSync(1, line));
  }
}
