import pkg from '../package.json' with { type: 'json' };

/** The package version: injected by the bundler, read from package.json in tests. */
export const VERSION: string = typeof __VERSION__ === 'string' ? __VERSION__ : pkg.version;
