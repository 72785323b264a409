// The project's lint rules. Lives beside its own toolchain (see package.json here); the root
// eslint.config.js re-exports it so editors and `npm run lint` find it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { importX, createNodeResolver } from "eslint-plugin-import-x";
import { LAYERS, folderZones } from "./layers.js";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "dist/**",
      ".ci/out/**",
      ".llm-router/**",
      "tools/lint/node_modules/**",
      "examples/sources/**",
      "coverage/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.js", "**/*.mjs"],
    plugins: { "import-x": importX },
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        structuredClone: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        fetch: "readonly",
        performance: "readonly",
        queueMicrotask: "readonly",
        globalThis: "readonly",
        NodeJS: "readonly",
        Response: "readonly",
        Request: "readonly",
        Headers: "readonly",
        crypto: "readonly",
        document: "readonly",
        window: "readonly",
      },
    },
    settings: {
      // no-cycle follows imports by parsing the imported files: they are TypeScript too.
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/extensions": [".ts", ".js", ".mjs"],
      // Sources import "./x.js" and mean "./x.ts" (NodeNext resolution).
      "import-x/resolver-next": [
        createNodeResolver({ extensions: [".ts", ".js", ".mjs", ".json"], extensionAlias: { ".js": [".ts", ".js"] } }),
      ],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-self-import": "error",
      "import-x/no-restricted-paths": ["error", { zones: folderZones(LAYERS) }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-explicit-any": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // Tests may reach into any folder; the folder rules are about the product's own shape.
    files: ["test/**", "bench/**"],
    rules: { "import-x/no-restricted-paths": "off", "@typescript-eslint/no-explicit-any": "off" },
  },
);
