// Injected into dist/cli-bundle/main.cjs by scripts/build-cli-bundle.mjs: what `import.meta.url`
// stands for there (the bundle's own URL; the modules find package.json and resolve installed
// packages from it).
export const bundleUrl = require('node:url').pathToFileURL(__filename).href;
