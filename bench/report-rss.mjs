// Loaded with --import by the benchmark: writes the process's peak resident memory at exit.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.KPT_RSS_FILE) writeFileSync(process.env.KPT_RSS_FILE, String(process.resourceUsage().maxRSS));
});
