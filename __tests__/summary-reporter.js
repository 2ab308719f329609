/**
 * Prints one plain closing line, `jest: N passed, N failed[, N skipped]`, that CI systems which
 * do not parse Jest's own summary can read. It goes to stderr, after Jest's summary.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`;
    process.stderr.write(`${line}\n`);
  }
}
module.exports = SummaryReporter;
