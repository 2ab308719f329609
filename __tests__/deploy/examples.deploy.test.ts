/**
 * Deployed, not just planned: the default config and every example (but those in
 * NOT_APPLIED_TOGETHER, and UPGRADED, which upgrades.deploy.test.ts applies beside this file) are
 * applied to moto in one root, planned again and destroyed (suite.ts).
 */
import { deploySuite, examplesAppliedTogether } from "./suite";

deploySuite("every example applied to the emulator", examplesAppliedTogether(), { upgrades: false });
