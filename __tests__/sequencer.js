/**
 * Jest's test order (jest.config.js, testSequencer): the deploy tier's files first, then Jest's
 * own order (failed last time, then slowest last time, then largest file first).
 *
 * Without a timing cache (a fresh CI machine), Jest starts the largest files first. The deploy
 * tier's two longest files (examples.deploy.test.ts, upgrades.deploy.test.ts, about four minutes
 * each) are a few lines each (their body is suite.ts), so they started last and ran on alone after
 * everything else had finished. They spend much of their time waiting on the emulator and the
 * provider's load balancer waiters, which the other files' work then fills.
 */
const Sequencer = require("@jest/test-sequencer").default;

/** Deploy files by how long they take (longest first); any other *.deploy.test.ts comes after these. */
const DEPLOY_FIRST = ["examples.deploy.test.ts", "upgrades.deploy.test.ts", "bridge-lambdas.deploy.test.ts", "adoption.deploy.test.ts"];

const rank = (path) => {
  const i = DEPLOY_FIRST.findIndex((name) => path.endsWith(`/${name}`));
  if (i >= 0) return i;
  return path.endsWith(".deploy.test.ts") ? DEPLOY_FIRST.length : DEPLOY_FIRST.length + 1;
};

class DeployFirstSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    // Array.prototype.sort is stable: Jest's own order holds within each rank.
    return [...ordered].sort((a, b) => rank(a.path) - rank(b.path));
  }
}

module.exports = DeployFirstSequencer;
