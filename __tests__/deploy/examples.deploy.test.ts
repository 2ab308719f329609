/**
 * Deployed, not just planned: the default config and every example (but those in
 * NOT_APPLIED_TOGETHER, and UPGRADED, which upgrades.deploy.test.ts applies beside this file) are
 * applied to moto in one root, planned again and destroyed (suite.ts).
 */
import { allConfigs } from "../helpers/fixtures";
import { deploySuite, NOT_APPLIED_TOGETHER, UPGRADED } from "./suite";

const names = allConfigs()
  .map(([name]) => name)
  .filter((name) => !(name in NOT_APPLIED_TOGETHER) && name !== UPGRADED);

deploySuite("every example applied to the emulator", names, { upgrades: false });
