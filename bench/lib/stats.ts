// Several runs of one measurement, summarised as median with min and max: on a shared two-core
// machine one run says little, and the ratio against a baseline from the same run says most.
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function summarise(runs: number[]): Summary {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs };
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function ratio(value: Summary, baseline: Summary): number {
  return value.median / baseline.median;
}
