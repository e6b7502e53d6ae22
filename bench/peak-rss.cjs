// Preloaded (`node --require`) into every measured process: on exit it appends "<pid> <peak RSS in KiB>" to the file
// named by API_SENTINEL_BENCH_RSS, so the benchmark reads each child's own peak, not the benchmark's.
const { appendFileSync } = require('node:fs');

const target = process.env.API_SENTINEL_BENCH_RSS;
if (target) {
  process.on('exit', () => {
    appendFileSync(target, `${process.pid} ${process.resourceUsage().maxRSS}\n`);
  });
}
