// ESLint flat config: typescript-eslint's type-checked recommended rules over every TypeScript
// file tsconfig.json includes (main.ts, lib/, lambdas/, scripts/, __tests__/), with type
// information from the TypeScript project service. `npm run lint` and `npm test` run it.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    // Build output, dependencies, coverage and generated files (the .gen/ provider bindings
    // `cdktf get` would write; config.schema.json is JSON and not linted anyway).
    ignores: ["node_modules/", "cdktf.out/", "coverage/", "dist/", ".gen/", ".tmp/"],
  },
  {
    // A disable comment that no longer suppresses anything is an error, so none linger.
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The conventions tsc's noUnusedParameters already accepts: a parameter named `_x` is unused
      // on purpose (a handler's event), and `const { dropped: _d, ...rest } = o` drops a key.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // The benchmarks time module loading, so they require() modules lazily, at the moment they
    // measure; a static import would load them before the clock starts.
    files: ["scripts/bench/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The Jest config and reporter are plain CommonJS run by Node, outside tsconfig.json.
    files: ["**/*.js"],
    extends: [js.configs.recommended],
    // The few Node globals they use, listed rather than adding the `globals` package for them.
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly", process: "readonly" } },
  },
  {
    files: ["eslint.config.mjs"],
    extends: [js.configs.recommended],
  },
);
