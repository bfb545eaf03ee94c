import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pollBudgetMs } from '../compat/n8n';
import { reportPageOf } from '../helpers/concurLists';
import { budgetNearlySpent, createReportCursor, readReportCursor, ReportPass, type ListWindow, type ReportCursorState } from '../helpers/cursor';
import { toConcurDate } from '../helpers/dates';
import { concurApiRequest, type ConcurRequestOptions } from '../transport';
import { handOff } from './oneAtATime';
import { toReportItems } from './reportItems';
import { firstRunFloor, reportSettings, startsFromNow, type ReportSettings } from './settings';
import { REPORTS_V3_PATH } from '../transport/paths';

/** A NextPage chain longer than this is treated as a paging fault (e.g. a NextPage that never ends). */
export const MAX_PAGES_PER_POLL = 10_000;

/**
 * Emits the reports changed since the cursor. The poll reads ranges of LastModifiedDate, each
 * proved by one complete answer (helpers/cursor.ts), and may stop between two ranges (time
 * budget, Max Items per Poll): the next poll continues from there. The cursor is stored only at
 * the end, so a failed poll leaves it exactly where it was.
 */
export async function pollExpenseReports(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = reportSettings.call(this);
	const staticData = this.getWorkflowStaticData('node');
	const started = Date.now();
	let state: ReportCursorState;
	const stored = readReportCursor(staticData.expenseReportCursor, settings.lookBackMs);
	if (stored) {
		state = stored;
	} else {
		// "Start From Now" reads the look-back window once and remembers it without emitting: what
		// Concur lists at activation is "before", whatever the two clocks say.
		state = createReportCursor(firstRunFloor.call(this, started, started - settings.lookBackMs), startsFromNow.call(this));
	}
	const pass = new ReportPass<IDataObject>(state, { lookBackMs: settings.lookBackMs, pageSize: settings.pageSize }, started);
	// Without a budget (n8n 1.x) only Max Items per Poll ends a poll early.
	const budgetMs = pollBudgetMs(this);
	const emitted: INodeExecutionData[] = [];
	let slowestMs = 0;
	for (;;) {
		const window = pass.nextRequest(Date.now());
		if (window === undefined) break;
		const sentAt = Date.now();
		const first = reportPageOf(await concurApiRequest.call(this, listRequest(settings, window)));
		let step = pass.takeAnswer(window, first.items, first.nextPage !== undefined, sentAt);
		if (step.kind === 'followNextPage') {
			step = pass.takeChain(window, await readChain.call(this, first.items, first.nextPage), sentAt);
		}
		slowestMs = Math.max(slowestMs, Date.now() - sentAt);
		if (step.kind === 'range' && !pass.isPriming) {
			emitted.push(...(await toReportItems.call(this, step.rows, settings)));
		}
		if (pass.isDone) break;
		if (pass.isStuck) {
			throw new NodeOperationError(
				this.getNode(),
				'Concur kept answering the report list with more pages than one range can hold; the poll stopped without progress',
			);
		}
		// A stop between ranges loses nothing: the next poll continues the pass from there. Before
		// the first range is proved, only a spent budget stops (never within the first second).
		const elapsed = Date.now() - started;
		if (budgetMs !== undefined) {
			if (pass.hasProgressed ? budgetNearlySpent(elapsed, slowestMs, budgetMs) : elapsed >= Math.max(budgetMs, 1_000)) break;
		}
		if (settings.maxItemsPerPoll > 0 && emitted.length >= settings.maxItemsPerPoll) break;
	}

	// Only now, with every answer read and every detail fetched, does the cursor move.
	staticData.expenseReportCursor = pass.commit() as unknown as IDataObject;
	if (emitted.length === 0) return null;
	return handOff.call(this, staticData, emitted);
}

function listRequest(settings: ReportSettings, window: ListWindow): ConcurRequestOptions {
	const qs: IDataObject = { ...settings.qs, modifiedDateAfter: toConcurDate(window.after) };
	if (window.before !== undefined) qs.modifiedDateBefore = toConcurDate(window.before);
	return { method: 'GET', url: REPORTS_V3_PATH, qs };
}

/** Every row of a NextPage chain, its first page given. */
async function readChain(this: IPollFunctions, firstItems: IDataObject[], nextPage: string | undefined): Promise<IDataObject[]> {
	const rows = [...firstItems];
	let url = nextPage;
	for (let page = 2; url !== undefined; page++) {
		if (page > MAX_PAGES_PER_POLL) {
			throw new NodeOperationError(this.getNode(), `Concur returned more than ${MAX_PAGES_PER_POLL} pages for one list request`);
		}
		const answer = reportPageOf(await concurApiRequest.call(this, { method: 'GET', url }));
		rows.push(...answer.items);
		url = answer.nextPage;
	}
	return rows;
}
