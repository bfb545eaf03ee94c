import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { reportPageOf } from '../helpers/concurLists';
import type { ListWindow } from '../helpers/cursor';
import { toConcurDate } from '../helpers/dates';
import type { ConcurRequestOptions } from '../transport';
import { REPORTS_V3_PATH } from '../transport/paths';
import { pollChanges } from './changes';
import { toReportItems } from './reportItems';
import { reportSettings, type ReportSettings } from './settings';

/** Emits the expense reports changed since the cursor (v3 list, by LastModifiedDate). */
export async function pollExpenseReports(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = reportSettings.call(this);
	return await pollChanges.call(this, {
		stateKey: 'expenseReportCursor',
		lookBackMs: settings.lookBackMs,
		pageSize: settings.pageSize,
		maxItemsPerPoll: settings.maxItemsPerPoll,
		listRequest: (window) => listRequest(settings, window),
		pageOf: reportPageOf,
		async toItems(rows) {
			return await toReportItems.call(this, rows, settings);
		},
	});
}

function listRequest(settings: ReportSettings, window: ListWindow): ConcurRequestOptions {
	const qs: IDataObject = { ...settings.qs, modifiedDateAfter: toConcurDate(window.after) };
	if (window.before !== undefined) qs.modifiedDateBefore = toConcurDate(window.before);
	return { method: 'GET', url: REPORTS_V3_PATH, qs };
}
