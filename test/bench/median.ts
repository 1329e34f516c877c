// The statistic every benchmark here quotes: robust to the one slow run a noisy 2-core machine always has.
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
