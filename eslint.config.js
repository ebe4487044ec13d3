// Flat ESLint config: recommended + type-aware rules for TypeScript.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", ".data/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["error", "warn"] }],
      // Fastify hooks and handlers and BullMQ processors are async by contract, awaiting or not.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // Benchmarks and the UI crawl are scripts whose output is their result.
    files: ["tests/bench/**", "tests/crawl/**"],
    rules: { "no-console": "off" },
  },
  {
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The sandbox page runs in the browser.
    files: ["webhooks/sandbox-page/**/*.js"],
    languageOptions: { globals: globals.browser },
  },
);
