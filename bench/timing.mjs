// What the in-process benches share: the median, and the time of one call
// taken as the median of rounds, after a warm-up that lets V8 optimize first.

export const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/**
 * ns per call of fn(i), the median of `rounds` rounds of `calls` calls each,
 * after `warm` calls not timed; i counts every call of the run from 0.
 */
export function timePerCall(fn, { calls, rounds, warm = calls / 10 }) {
  let i = 0;
  for (let n = 0; n < warm; n++) fn(i++);
  return median(Array.from({ length: rounds }, () => {
    const start = process.hrtime.bigint();
    for (let n = 0; n < calls; n++) fn(i++);
    return Number(process.hrtime.bigint() - start) / calls;
  }));
}
