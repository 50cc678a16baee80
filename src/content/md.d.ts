// Lessons (.md) and diagrams (.txt) are imported as text: esbuild's `text` loader in
// scripts/build.mjs bundles them, and a small plugin in vitest.config.ts does the same in tests.

declare module '*.md' {
  const text: string;
  export default text;
}

declare module '*.txt' {
  const text: string;
  export default text;
}
