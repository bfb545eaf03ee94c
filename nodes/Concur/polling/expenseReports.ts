import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pollBudgetMs } from '../compat/n8n';
import { reportPageOf } from '../helpers/concurLists';
import { budgetNearlySpent, commitRun, createReportCursor, DEFAULT_MAX_KEYS, isReportCursorState, mayStopEarly, modifiedDateAfter, startRun, takeNewRows, type ReportCursorState } from '../helpers/cursor';
import { concurApiRequest, type ConcurRequestOptions } from '../transport';
import { handOff } from './oneAtATime';
import { toReportItems } from './reportItems';
import { firstRunFloor, reportSettings, startsFromNow } from './settings';
import { REPORTS_V3_PATH } from '../transport/paths';

/** A chain longer than this is treated as a paging fault (e.g. a NextPage that never ends). */
export const MAX_PAGES_PER_POLL = 10_000;

/** Emits the reports changed since the cursor, page by page; the cursor moves only at the end. */
export async function pollExpenseReports(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = reportSettings.call(this);
	const staticData = this.getWorkflowStaticData('node');
	const limits = { lookBackMs: settings.lookBackMs, maxKeys: DEFAULT_MAX_KEYS };
	const now = Date.now();
	let state: ReportCursorState;
	let priming = false;
	if (isReportCursorState(staticData.expenseReportCursor)) {
		state = staticData.expenseReportCursor;
	} else {
		// "Start From Now" reads the last look-back window once and remembers it without emitting,
		// so the watermark comes from Concur's own timestamps and clock skew up to the window is harmless.
		priming = startsFromNow.call(this);
		state = createReportCursor(firstRunFloor.call(this, now, now - settings.lookBackMs));
	}

	// Without a budget only Max Items per Poll ends a poll early; priming reads its window whole.
	const budgetMs = priming ? undefined : pollBudgetMs(this);
	const run = startRun(state, settings.lookBackMs);
	const emitted: INodeExecutionData[] = [];
	let request: ConcurRequestOptions = {
		method: 'GET',
		url: REPORTS_V3_PATH,
		qs: { ...settings.qs, modifiedDateAfter: modifiedDateAfter(state, settings.lookBackMs) },
	};
	let slowestPageMs = 0;
	for (let page = 1; ; page++) {
		const pageStarted = Date.now();
		const { items, nextPage } = reportPageOf(await concurApiRequest.call(this, request));
		const fresh = takeNewRows(run, state, items);
		if (!priming) emitted.push(...(await toReportItems.call(this, fresh, settings)));
		slowestPageMs = Math.max(slowestPageMs, Date.now() - pageStarted);
		if (!nextPage) break;
		if (page >= MAX_PAGES_PER_POLL) {
			if (mayStopEarly(run)) break;
			throw new NodeOperationError(
				this.getNode(),
				`Concur returned more than ${MAX_PAGES_PER_POLL} pages of reports in one poll without progress`,
			);
		}
		if (budgetMs !== undefined && mayStopEarly(run) && budgetNearlySpent(Date.now() - now, slowestPageMs, budgetMs)) {
			break; // the rest is read next poll, from the newest change seen
		}
		if (settings.maxItemsPerPoll > 0 && emitted.length >= settings.maxItemsPerPoll && mayStopEarly(run)) {
			break; // same resumable stop as the time budget: bounded executions and memory
		}
		request = { method: 'GET', url: nextPage };
	}

	// Only now, with every page read and every detail fetched, does the cursor move.
	staticData.expenseReportCursor = commitRun(state, run, limits) as unknown as IDataObject;
	if (emitted.length === 0) return null;
	return handOff.call(this, staticData, emitted);
}
