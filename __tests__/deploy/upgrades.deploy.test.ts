/**
 * Upgrades against real state: UPGRADED (examples/two-services.json) is applied to moto, planned
 * again, changed (a route added, a service added, a service removed, a service renamed through
 * `renames`) and each change planned against the applied state, one change applied, and the
 * stack destroyed (suite.ts). It runs beside examples.deploy.test.ts, with a moto of its own.
 */
import { deploySuite, UPGRADED } from "./suite";

deploySuite(`${UPGRADED} applied to the emulator, then upgraded`, [UPGRADED], { upgrades: true });
