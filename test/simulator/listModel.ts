/**
 * A second, independent Concur v3 report list: in memory, no HTTP, no n8n. It answers
 * `modifiedDateAfter` / `modifiedDateBefore` / `limit` / `offset` the ways Concur's documentation
 * leaves open, and lets a test change the tenant between any two requests:
 *
 * - order: oldest first, newest first, creation order, ID order, a fixed random order, or a new
 *   random order for every request (offset paging then means nothing);
 * - the date filters: inclusive or strict, to the millisecond, rounded to whole seconds (down, to
 *   nearest, or up) or to SQL Server `datetime` steps (.000/.003/.007, .999 rounding up);
 * - Concur's clock ahead of or behind n8n's (`skewMs`): every timestamp it writes is shifted;
 * - deletes, status changes that leave a filter, updates, late rows, future-dated rows.
 *
 * Used by test/unit/cursor.model.test.ts to drive helpers/cursor.ts the way polling/expenseReports.ts
 * does, and count every version emitted: nothing missed, nothing twice.
 */

export type ListOrder = 'ascending' | 'descending' | 'created' | 'id' | 'stableRandom' | 'shuffled';
export type FilterCut = 'inclusive' | 'strict' | 'secondsFloor' | 'secondsRound' | 'secondsCeil' | 'sqlDatetime';

export interface ModelReport {
	id: string;
	/** Concur's LastModifiedDate / CreateDate (Concur's clock), epoch ms. */
	lmd: number;
	created: number;
	status: string;
	/** Deleted: gone from every list. */
	deleted: boolean;
	/** Creation rank (creation order). */
	rank: number;
	/** A fixed pseudo-random rank (stable random order). */
	hash: number;
}

export interface ListQuery {
	after?: number;
	before?: number;
	limit: number;
	offset?: number;
	status?: string;
}

export interface ListAnswer {
	rows: Array<{ ID: string; LastModifiedDate: string; CreateDate: string; ApprovalStatusCode: string }>;
	nextOffset?: number;
}

export function rng(seed: number): () => number {
	let s = seed >>> 0 || 1;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '');

/** The effective threshold of a filter value under a cut (rows kept: ≥ for after, < for before). */
export function cutValue(value: number, cut: FilterCut, side: 'after' | 'before'): { at: number; strict: boolean } {
	switch (cut) {
		case 'inclusive':
			return { at: value, strict: false };
		case 'strict':
			return { at: value, strict: true };
		case 'secondsFloor':
			return { at: Math.floor(value / 1000) * 1000, strict: side === 'after' };
		case 'secondsRound':
			return { at: Math.round(value / 1000) * 1000, strict: side === 'after' };
		case 'secondsCeil':
			return { at: Math.ceil(value / 1000) * 1000, strict: side === 'after' };
		case 'sqlDatetime': {
			// datetime keeps 1/300 s: .xx0, .xx3, .xx7; .999 rounds up to the next second.
			const ms = value % 1000;
			const base = value - ms;
			const steps = Math.round((ms * 300) / 1000);
			return { at: base + Math.round((steps * 1000) / 300), strict: side === 'after' };
		}
	}
}

export class ListModel {
	readonly reports = new Map<string, ModelReport>();
	private rank = 0;
	private readonly random: () => number;
	/** n8n's clock (epoch ms), moved by the test. */
	now: number;
	/** Concur's clock minus n8n's. */
	skewMs = 0;
	order: ListOrder = 'ascending';
	afterCut: FilterCut = 'inclusive';
	beforeCut: FilterCut = 'strict';
	/** Called before every answer is computed (the adversary's hook). */
	beforeAnswer?: (query: ListQuery) => void;
	requests = 0;

	constructor(seed: number, now: number) {
		this.random = rng(seed);
		this.now = now;
	}

	/** Concur's clock now. */
	concurNow(): number {
		return this.now + this.skewMs;
	}

	newId(): string {
		let id = '';
		const hex = '0123456789ABCDEF';
		for (let i = 0; i < 20; i++) id += hex[Math.floor(this.random() * 16)];
		return id;
	}

	create(at = this.concurNow(), status = 'A_NOTF'): ModelReport {
		const report: ModelReport = {
			id: this.newId(),
			lmd: at,
			created: at,
			status,
			deleted: false,
			rank: this.rank++,
			hash: Math.floor(this.random() * 2 ** 31),
		};
		this.reports.set(report.id, report);
		return report;
	}

	/** A change: a new LastModifiedDate (default Concur's clock now), optionally a new status. */
	change(id: string, at = this.concurNow(), status?: string): ModelReport {
		const report = this.reports.get(id)!;
		report.lmd = at;
		if (status !== undefined) report.status = status;
		return report;
	}

	delete(id: string): void {
		this.reports.get(id)!.deleted = true;
	}

	list(query: ListQuery): ListAnswer {
		this.requests++;
		this.beforeAnswer?.(query);
		const after = query.after === undefined ? undefined : cutValue(query.after, this.afterCut, 'after');
		const before = query.before === undefined ? undefined : cutValue(query.before, this.beforeCut, 'before');
		const matches = [...this.reports.values()].filter((r) => {
			if (r.deleted) return false;
			if (query.status !== undefined && r.status !== query.status) return false;
			if (after && (after.strict ? r.lmd <= after.at : r.lmd < after.at)) return false;
			if (before && (before.strict ? r.lmd >= before.at : r.lmd > before.at)) return false;
			return true;
		});
		this.sort(matches);
		const offset = query.offset ?? 0;
		const page = matches.slice(offset, offset + query.limit);
		return {
			rows: page.map((r) => ({ ID: r.id, LastModifiedDate: iso(r.lmd), CreateDate: iso(r.created), ApprovalStatusCode: r.status })),
			nextOffset: offset + query.limit < matches.length ? offset + query.limit : undefined,
		};
	}

	private sort(rows: ModelReport[]): void {
		const byId = (a: ModelReport, b: ModelReport) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
		switch (this.order) {
			case 'ascending':
				rows.sort((a, b) => a.lmd - b.lmd || byId(a, b));
				break;
			case 'descending':
				rows.sort((a, b) => b.lmd - a.lmd || byId(a, b));
				break;
			case 'created':
				rows.sort((a, b) => a.rank - b.rank);
				break;
			case 'id':
				rows.sort(byId);
				break;
			case 'stableRandom':
				rows.sort((a, b) => a.hash - b.hash || byId(a, b));
				break;
			case 'shuffled':
				for (let i = rows.length - 1; i > 0; i--) {
					const j = Math.floor(this.random() * (i + 1));
					[rows[i], rows[j]] = [rows[j], rows[i]];
				}
				break;
		}
	}
}
