/** Small statistics helpers shared by the benchmarks and the reliability suite's reports. */

/** The q-quantile (0..1) of `values` by the nearest-rank method; NaN for an empty list. */
export function quantile(values: number[], q: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[rank];
}

/** The median (mean of the two middle values for an even count); NaN for an empty list. */
export function median(values: number[]): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rounds for display: 3 significant digits, at most 2 decimals. */
export function round(value: number): number {
	if (!Number.isFinite(value)) return value;
	const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
	return Number(value.toFixed(digits));
}

export function ratio(numerator: number, denominator: number): number {
	return denominator === 0 ? NaN : numerator / denominator;
}
