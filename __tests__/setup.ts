import { Testing } from "cdktf";
import { skipTokenStackTraces } from "../lib/token-traces";
// Brings the declarations of the CDKTF matchers (toHaveResource, ...) into every test file.
import type {} from "cdktf/lib/testing/adapters/jest";

Testing.setupJest();

// Tokens carry no creation trace in tests either, as in synthesize() (see skipTokenStackTraces):
// under Jest's source-map support each one was mapped through CDKTF's inline source maps, a
// sixth of the unit tests' time.
skipTokenStackTraces();
