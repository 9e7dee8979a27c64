// What the age-scheduled checks should cost, printed beside the measured figures.
//
// SCHEDULE EXPECTATION, the one place to switch: once the sync core exports its pure function for
// the schedule's reads per row, import it here from dist/ and return its figure instead. Until
// then: a wave of age A is checked about every max(2 × sleep_time, A / 10), so over the retention R
// a wave is checked about 10 · ln(R ÷ sleep_time) times, each check reading its rows once.
export function expectedChecksPerWave(retentionSeconds: number, sleepTime: number): number {
  return 10 * Math.log(retentionSeconds / sleepTime);
}

export const EXPECTATION_SOURCE = '10 · ln(retention ÷ sleep_time) (bench/expected.ts)';
