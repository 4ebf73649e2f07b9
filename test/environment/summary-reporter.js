import { writeSync } from 'node:fs';

/**
 * Prints one plain closing line, `tests: N passed, N failed`, as the very last line of a run (after
 * jest's own summary, hence at process exit), so that any log reader can tell how many tests ran
 * without parsing jest's format. Suites skipped because a program is missing are named before it.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    // Suites skipped for a missing program say so in their title (test/helpers/requires.ts).
    const reasons = new Set();
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        for (const title of [...t.ancestorTitles, t.title]) {
          const m = /\(skipped: (.*)\)$/.exec(title);
          if (m && t.status === 'pending') reasons.add(`skipped: ${title.slice(0, m.index).trim()}: ${m[1]}`);
        }
      }
    }
    const line = `${[...reasons].join('\n')}${reasons.size ? '\n' : ''}tests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    process.once('exit', () => writeSync(1, line));
  }
}
