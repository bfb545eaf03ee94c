import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pollBudgetMs } from '../compat/n8n';
import { budgetNearlySpent, createReportCursor, readReportCursor, ReportPass, type AcceptedRow, type ChangeRow, type ListWindow } from '../helpers/cursor';
import { concurApiRequest, type ConcurRequestOptions } from '../transport';
import { handOff } from './oneAtATime';
import { firstRunFloor, startsFromNow } from './settings';

/** A NextPage chain longer than this is treated as a paging fault (e.g. a NextPage that never ends). */
export const MAX_PAGES_PER_POLL = 10_000;

/** One answer of a list: its rows (with ID, LastModifiedDate and CreateDate) and its next page. */
export interface ChangePage {
	items: Array<IDataObject & ChangeRow>;
	nextPage?: string;
}

/**
 * A Concur list read by modification date (expense reports, travel requests): everything the
 * poll loop needs to know about it. The cursor logic is the same for all (helpers/cursor.ts).
 */
export interface ChangeSource {
	/** The node static data key its cursor is kept under. */
	stateKey: string;
	lookBackMs: number;
	pageSize: number;
	/** Stop once a poll has read this many new items (0: no cap). */
	maxItemsPerPoll: number;
	/** The request for one range of modification dates. */
	listRequest(window: ListWindow): ConcurRequestOptions;
	/** The rows and next page of one answer (never throws). */
	pageOf(body: unknown): ChangePage;
	/** The output items for the new rows of one range. */
	toItems(this: IPollFunctions, rows: Array<AcceptedRow<IDataObject>>): Promise<INodeExecutionData[]>;
}

/**
 * Emits the changes since the cursor. The poll reads ranges of LastModifiedDate, each proved by
 * one complete answer (helpers/cursor.ts), and may stop between two ranges (time budget, Max Items
 * per Poll): the next poll continues from there. The cursor is stored only at the end, so a failed
 * poll leaves it exactly where it was.
 */
export async function pollChanges(this: IPollFunctions, source: ChangeSource): Promise<INodeExecutionData[][] | null> {
	const staticData = this.getWorkflowStaticData('node');
	const started = Date.now();
	// "Start From Now" reads the look-back window once and remembers it without emitting: what
	// Concur lists at activation is "before", whatever the two clocks say.
	const state =
		readReportCursor(staticData[source.stateKey], source.lookBackMs) ??
		createReportCursor(firstRunFloor.call(this, started, started - source.lookBackMs), startsFromNow.call(this));
	const pass = new ReportPass<IDataObject & ChangeRow>(state, { lookBackMs: source.lookBackMs, pageSize: source.pageSize }, started);
	// Without a budget (n8n 1.x) only Max Items per Poll ends a poll early.
	const budgetMs = pollBudgetMs(this);
	const emitted: INodeExecutionData[] = [];
	let slowestMs = 0;
	for (;;) {
		const window = pass.nextRequest(Date.now());
		if (window === undefined) break;
		const sentAt = Date.now();
		const first = source.pageOf(await concurApiRequest.call(this, source.listRequest(window)));
		let step = pass.takeAnswer(window, first.items, first.nextPage !== undefined, sentAt);
		if (step.kind === 'followNextPage') {
			step = pass.takeChain(window, await readChain.call(this, source, first), sentAt);
		}
		slowestMs = Math.max(slowestMs, Date.now() - sentAt);
		if (step.kind === 'range' && !pass.isPriming) emitted.push(...(await source.toItems.call(this, step.rows)));
		if (pass.isDone) break;
		if (pass.isStuck) {
			throw new NodeOperationError(
				this.getNode(),
				'Concur kept answering the list with more pages than one range can hold; the poll stopped without progress',
			);
		}
		// A stop between ranges loses nothing: the next poll continues the pass from there. Before
		// the first range is proved, only a spent budget stops (never within the first second).
		const elapsed = Date.now() - started;
		if (budgetMs !== undefined) {
			if (pass.hasProgressed ? budgetNearlySpent(elapsed, slowestMs, budgetMs) : elapsed >= Math.max(budgetMs, 1_000)) break;
		}
		if (source.maxItemsPerPoll > 0 && emitted.length >= source.maxItemsPerPoll) break;
	}

	// Only now, with every answer read and every detail fetched, does the cursor move.
	staticData[source.stateKey] = pass.commit() as unknown as IDataObject;
	if (emitted.length === 0) return null;
	return handOff.call(this, staticData, emitted);
}

/** Every row of a NextPage chain, its first page given. */
async function readChain(this: IPollFunctions, source: ChangeSource, first: ChangePage): Promise<Array<IDataObject & ChangeRow>> {
	const rows = [...first.items];
	let url = first.nextPage;
	for (let page = 2; url !== undefined; page++) {
		if (page > MAX_PAGES_PER_POLL) {
			throw new NodeOperationError(this.getNode(), `Concur returned more than ${MAX_PAGES_PER_POLL} pages for one list request`);
		}
		const answer = source.pageOf(await concurApiRequest.call(this, { method: 'GET', url }));
		rows.push(...answer.items);
		url = answer.nextPage;
	}
	return rows;
}
