/** One figure of the benchmark, as `bench/results.json` holds it. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  /** The same figure for the least any implementation could do, measured in the same run; null where none applies. */
  floor: number | null;
  /** value / floor. */
  ratio: number | null;
  /** What the issue asks for, in words (`≤ 1.5× floor`); null for a figure that is only for reading. */
  target: string | null;
  /** Whether the target is met; null without a target. */
  met: boolean | null;
}

export function row(
  name: string,
  value: number,
  unit: string,
  options: { floor?: number; target?: string; met?: (value: number, ratio: number | null) => boolean } = {},
): Row {
  const floor = options.floor ?? null;
  const ratio = floor ? round(value / floor, 2) : null;
  return {
    name,
    value: round(value, value < 10 ? 3 : 1),
    unit,
    floor: floor === null ? null : round(floor, floor < 10 ? 3 : 1),
    ratio,
    target: options.target ?? null,
    met: options.met ? options.met(value, ratio) : null,
  };
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const median = (values: number[]) => percentile(values, 50);

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}
