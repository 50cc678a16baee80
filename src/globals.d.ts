// Injected by esbuild at build time (scripts/build.mjs); tests read it through version.ts.
declare const __VERSION__: string | undefined;
