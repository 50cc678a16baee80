// storage/: the only user of conf. See src/storage/README.md.

export { openProgressStore, type ProgressStore, type ProgressStoreOptions } from './progress-store.js';
export { storedProgress, type StoredProgress, type LessonPosition, type FlatPreferences } from './port.js';
export { progressDir, defaultConfigDir, CONFIG_DIR_ENV, PROGRESS_FILE } from './paths.js';
export { withLock, DEFAULT_LOCK, type LockOptions } from './lock.js';
