/**
 * Which report changes the polling trigger emits, and as what (polling/reportItems.ts). Whether a
 * change is a report's creation is decided by the cursor (first sighting, helpers/cursor.ts);
 * "Fetch test event" has no cursor and labels its sample from the dates.
 */
import { isWanted, sampleEvent } from '../../nodes/Concur/polling/reportItems';

describe('isWanted (the Event parameter)', () => {
	it('passes created, updated or both', () => {
		expect(isWanted('created', 'createdOrUpdated')).toBe(true);
		expect(isWanted('updated', 'createdOrUpdated')).toBe(true);
		expect(isWanted('created', 'created')).toBe(true);
		expect(isWanted('updated', 'created')).toBe(false);
		expect(isWanted('created', 'updated')).toBe(false);
		expect(isWanted('updated', 'updated')).toBe(true);
	});
});

describe('sampleEvent ("Fetch test event" has no cursor)', () => {
	it('labels a row whose last change is within seconds of its creation as created', () => {
		expect(sampleEvent({ CreateDate: '2026-11-22T10:00:00', LastModifiedDate: '2026-11-22T10:00:04.9' })).toBe('created');
		expect(sampleEvent({ CreateDate: '2026-11-22T10:00:00', LastModifiedDate: '2026-11-22T11:00:00' })).toBe('updated');
	});

	it('counts rows without usable dates as updated', () => {
		expect(sampleEvent({ LastModifiedDate: '2026-11-22T10:00:00' })).toBe('updated');
		expect(sampleEvent({ CreateDate: 'x', LastModifiedDate: 'y' })).toBe('updated');
	});
});
