/**
 * A CPU profiler for the bench's processes, preloaded with
 * `BENCH_NODE_OPTIONS="--require ./dist/scripts/bench/cpu-profile.preload.js"` beside
 * `BENCH_MARK_SIGNAL=SIGWINCH BENCH_PROFILE_SIGNAL=SIGURG`: the bench's mark (the measured window
 * starts) starts V8's sampling profiler, its profile signal (the window ends) writes
 * `/tmp/prof-<PROFILE_NAME>-<pid>.cpuprofile` (Chrome DevTools' format). Neither signal is one Nest
 * shuts down on. The profiler samples wall time: time in a socket write may be the process waiting
 * for a core.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
process.on('SIGWINCH', () => session.post('Profiler.start'));
process.on('SIGURG', () =>
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    writeFileSync(
      `/tmp/prof-${process.env.PROFILE_NAME ?? 'node'}-${process.pid}.cpuprofile`,
      JSON.stringify(result.profile),
    );
  }),
);
