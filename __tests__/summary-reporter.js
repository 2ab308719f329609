/**
 * Prints one plain closing line, `jest: N passed, N failed[, N skipped]`, that CI systems which
 * do not parse Jest's own summary can read. It goes to stderr when Jest exits, after everything else.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`;
    // On exit, so that it follows everything the other reporters print.
    process.once("exit", () => process.stderr.write(`${line}\n`));
  }
}
module.exports = SummaryReporter;
