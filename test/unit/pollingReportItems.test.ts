/**
 * Which report changes the polling trigger emits, and as what (polling/reportItems.ts).
 */
import { classifyReportChange, wantedEvent } from '../../nodes/Concur/polling/reportItems';
import type { ReportSettings } from '../../nodes/Concur/polling/settings';

describe('classifyReportChange (created vs updated, as Cloud Elements decides it)', () => {
	it('is created when the last change is within the tolerance of the creation', () => {
		const row = { CreateDate: '2026-11-22T10:00:00', LastModifiedDate: '2026-11-22T10:00:04.9' };
		expect(classifyReportChange(row, 5_000)).toBe('created');
		expect(classifyReportChange(row, 4_000)).toBe('updated');
		expect(classifyReportChange({ ...row, LastModifiedDate: '2026-11-22T10:00:00' }, 0)).toBe('created');
	});

	it('counts rows without usable dates as updated', () => {
		expect(classifyReportChange({ LastModifiedDate: '2026-11-22T10:00:00' }, 5_000)).toBe('updated');
		expect(classifyReportChange({ CreateDate: 'x', LastModifiedDate: 'y' }, 5_000)).toBe('updated');
	});
});

describe('wantedEvent (the Event parameter)', () => {
	const settings = (event: ReportSettings['event']): ReportSettings => ({
		event,
		toleranceMs: 5_000,
		lookBackMs: 0,
		fullDetails: false,
		maxItemsPerPoll: 0,
		qs: {},
	});
	const created = { CreateDate: '2026-11-22T10:00:00', LastModifiedDate: '2026-11-22T10:00:01' };
	const updated = { CreateDate: '2026-11-22T10:00:00', LastModifiedDate: '2026-11-22T11:00:00' };

	it('names the event of a wanted row and skips the others', () => {
		expect(wantedEvent(created, settings('createdOrUpdated'))).toBe('created');
		expect(wantedEvent(updated, settings('createdOrUpdated'))).toBe('updated');
		expect(wantedEvent(created, settings('created'))).toBe('created');
		expect(wantedEvent(updated, settings('created'))).toBeUndefined();
		expect(wantedEvent(created, settings('updated'))).toBeUndefined();
		expect(wantedEvent(updated, settings('updated'))).toBe('updated');
	});
});
