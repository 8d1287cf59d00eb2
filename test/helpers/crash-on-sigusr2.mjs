// Preloaded into a server process by tests (see CRASH_ON_SIGUSR2 in process.ts). It adds no
// hook to Parley: it only makes the process hit a real uncaught exception or unhandled rejection.
process.on('SIGUSR2', () => {
  if (process.env.PARLEY_TEST_CRASH === 'rejection') {
    void Promise.reject(new Error('injected rejection'));
    return;
  }
  throw new Error('injected crash');
});
