// Preloaded into a benchmarked process: at exit, writes its peak resident
// memory (KiB, worker threads included) to the file named by PEAK_RSS_FILE.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  if (process.env.PEAK_RSS_FILE) writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS));
});
