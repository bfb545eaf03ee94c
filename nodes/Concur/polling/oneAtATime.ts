import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { pollAbandonedAfterMs, pollBudgetMs } from '../compat/n8n';
import { beginPoll, endPoll, previousHandOffUnstored, recordHandOff } from '../helpers/handOff';
import { workflowNodeKey } from '../helpers/values';

type Poll = () => Promise<INodeExecutionData[][] | null>;

/**
 * Runs the poll unless another poll of this node is still running, or n8n may still be storing
 * what the previous poll handed off: then this poll emits nothing and leaves the cursor alone.
 * Nothing is lost: the other poll, or the next one, emits those changes.
 */
export async function oneAtATime(this: IPollFunctions, poll: Poll): Promise<INodeExecutionData[][] | null> {
	const key = nodeKey.call(this);
	const startedAt = Date.now();
	if (!beginPoll(key, startedAt, pollAbandonedAfterMs(pollBudgetMs(this)))) {
		this.logger.debug('Concur Polling Trigger: another poll of this node is still running; skipping this one');
		return null;
	}
	try {
		if (previousHandOffUnstored(key, this.getWorkflowStaticData('node'))) {
			this.logger.debug("Concur Polling Trigger: the previous poll's items may still be being stored; polling next time");
			return null;
		}
		return await poll();
	} finally {
		endPoll(key, startedAt);
	}
}

/** The poll's items for n8n, with the cursor numbered so the next poll can tell it was stored. */
export function handOff(
	this: IPollFunctions,
	staticData: IDataObject,
	items: INodeExecutionData[],
): INodeExecutionData[][] {
	recordHandOff(nodeKey.call(this), staticData);
	return [items];
}

/** This trigger node, for the in-memory records of helpers/handOff.ts. */
function nodeKey(this: IPollFunctions): string {
	return workflowNodeKey(this.getWorkflow().id, this.getNode());
}
