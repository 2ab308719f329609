import { Testing } from "cdktf";
// Brings the declarations of the CDKTF matchers (toHaveResource, ...) into every test file.
import type {} from "cdktf/lib/testing/adapters/jest";

Testing.setupJest();
