/**
 * The polling trigger's in-memory guard (helpers/handOff.ts) and the n8n workarounds it rests on
 * (compat/n8n.ts, "Polling trigger"). Through the node: test/integration/pollingTrigger.test.ts.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { mayStillBeStoringHandOff, pollAbandonedAfterMs, pollBudgetMs } from '../../nodes/Concur/compat/n8n';
import { beginPoll, endPoll, previousHandOffUnstored, recordHandOff } from '../../nodes/Concur/helpers/handOff';

describe('one poll at a time', () => {
	it('a poll n8n abandoned long ago no longer holds the next one back', () => {
		const t0 = Date.UTC(2026, 10, 22, 12);
		expect(beginPoll('wf:node', t0, 45_000)).toBe(true);
		expect(beginPoll('wf:node', t0 + 1_000, 45_000)).toBe(false);
		expect(beginPoll('wf:node', t0 + 46_000, 45_000)).toBe(true);
		endPoll('wf:node', t0); // the abandoned poll ending late does not release the newer one
		expect(beginPoll('wf:node', t0 + 47_000, 45_000)).toBe(false);
		endPoll('wf:node', t0 + 46_000);
		expect(beginPoll('wf:node', t0 + 48_000, 45_000)).toBe(true);
	});

});

describe('hand-off numbering', () => {
	it('numbers the cursor after the stored one', () => {
		const staticData: IDataObject = { handOffSequence: 4 };
		recordHandOff('wf:numbering', staticData);
		expect(staticData.handOffSequence).toBe(5);
	});

	it('a poll handed an older cursor waits once; still older a poll later, it goes ahead', () => {
		const handedOff: IDataObject = {};
		recordHandOff('wf:unstored', handedOff);
		expect(previousHandOffUnstored('wf:unstored', {})).toBe(true);
		expect(previousHandOffUnstored('wf:unstored', {})).toBe(false);
		expect(previousHandOffUnstored('wf:unstored', {})).toBe(false);
	});

	it('a poll handed the stored hand-off goes ahead', () => {
		const handedOff: IDataObject = {};
		recordHandOff('wf:stored', handedOff);
		expect(previousHandOffUnstored('wf:stored', { ...handedOff })).toBe(false);
		expect(previousHandOffUnstored('wf:stored', {})).toBe(false); // settled: nothing pending
	});
});

describe('n8n workarounds of the polling trigger', () => {
	it('pollBudgetMs: the budget where n8n gives one, undefined on n8n 1.x', () => {
		expect(pollBudgetMs({ getPollBudgetMs: () => 240_000 } as unknown as IPollFunctions)).toBe(240_000);
		expect(pollBudgetMs({} as IPollFunctions)).toBeUndefined();
	});

	it('pollAbandonedAfterMs: a quarter past the budget, 10 minutes without one', () => {
		expect(pollAbandonedAfterMs(240_000)).toBe(300_000);
		expect(pollAbandonedAfterMs(undefined)).toBe(600_000);
	});

	it('mayStillBeStoringHandOff: only while the stored cursor is older and the poll has not waited', () => {
		expect(mayStillBeStoringHandOff(3, 2, false)).toBe(true);
		expect(mayStillBeStoringHandOff(3, 2, true)).toBe(false);
		expect(mayStillBeStoringHandOff(3, 3, false)).toBe(false);
	});
});
