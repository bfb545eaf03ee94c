/**
 * Manual mode's pick of the newest item (polling/manualMode.ts).
 */
import { newestBy } from '../../nodes/Concur/polling/manualMode';

describe('newestBy', () => {
	it('picks the newest date; on a tie the later row', () => {
		const rows = [
			{ id: 'a', at: '2026-11-21T10:00:00' },
			{ id: 'b', at: '2026-11-22T10:00:00' },
			{ id: 'c', at: '2026-11-22T10:00:00' },
			{ id: 'd', at: '2026-11-20T10:00:00' },
		];
		expect(newestBy(rows, 'at')?.id).toBe('c');
	});

	it('prefers any dated row to undated ones, and takes the last row when none is dated', () => {
		expect(newestBy([{ id: 'a', at: '2026-11-22T10:00:00' }, { id: 'b' }], 'at')?.id).toBe('a');
		expect(newestBy([{ id: 'a' }, { id: 'b', at: 'soon' }], 'at')?.id).toBe('b');
		expect(newestBy([], 'at')).toBeUndefined();
	});
});
