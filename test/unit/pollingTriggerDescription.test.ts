/**
 * The Concur Polling Trigger's description (n8n conventions, decisions of issue 4).
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { ConcurPollingTrigger } from '../../nodes/Concur/ConcurPollingTrigger.node';
import codex from '../../nodes/Concur/ConcurPollingTrigger.node.json';

const description = new ConcurPollingTrigger().description;
const property = (name: string) => description.properties.find((p) => p.name === name) as INodeProperties;
const values = (p: INodeProperties) => (p.options as INodePropertyOptions[]).map((o) => o.value);

describe('description', () => {
	it('is the polling trigger the issue fixes', () => {
		expect(description).toMatchObject({
			name: 'concurPollingTrigger',
			displayName: 'Concur Polling Trigger',
			polling: true,
			group: ['trigger'],
			inputs: [],
			icon: { light: 'file:../../icons/concur.svg', dark: 'file:../../icons/concur.dark.svg' },
			credentials: [{ name: 'concurOAuth2Api', required: true }],
		});
		expect(description.subtitle).toBeTruthy();
		expect('usableAsTool' in description).toBe(false);
		expect(codex.node).toBe('n8n-nodes-concur.concurPollingTrigger');
	});

	it('offers the three resources, the three events and the three first-run modes', () => {
		expect(values(property('resource'))).toEqual(['expenseReport', 'failedNotification', 'travelRequest']);
		expect(values(property('event')).sort()).toEqual(['created', 'createdOrUpdated', 'updated']);
		expect(values(property('firstRun')).sort()).toEqual(['backfill', 'date', 'now']);
		expect(property('firstRun').default).toBe('now');
		expect(property('user').default).toBe('ALL');
	});

	it('Travel Request: its own Event labels, the documented views (default ALL), a User ID, and the options without Emit Full Report', () => {
		const shownFor = (resource: string) => (p: INodeProperties) => p.displayOptions?.show?.resource?.includes(resource) ?? false;
		const events = description.properties.filter((p) => p.name === 'event');
		expect(events).toHaveLength(2);
		const requestEvent = events.find(shownFor('travelRequest'))!;
		expect((requestEvent.options as INodePropertyOptions[]).map((o) => o.name)).toEqual(['Request Created', 'Request Created or Updated', 'Request Updated']);
		expect(events.find(shownFor('expenseReport'))!.default).toBe(requestEvent.default);
		const view = description.properties.find((p) => p.name === 'view')!;
		expect(shownFor('travelRequest')(view)).toBe(true);
		expect(view.default).toBe('ALL');
		expect(values(view)).toEqual(expect.arrayContaining(['ALL', 'PENDING', 'TOAPPROVE', 'APPROVED']));
		expect(shownFor('travelRequest')(property('userId'))).toBe(true);
		expect(shownFor('travelRequest')(property('options'))).toBe(true);
		const fullDetails = (property('options').options as INodeProperties[]).find((o) => o.name === 'fullDetails')!;
		expect(fullDetails.displayOptions).toEqual({ show: { '/resource': ['expenseReport'] } });
		expect(description.subtitle).toContain('Travel requests');
	});

	it('filters by every v3 approval and payment status code, A_EXTV included', () => {
		expect(values(property('approvalStatus')).filter(Boolean).sort()).toEqual(
			['A_AAFH', 'A_ACCO', 'A_APPR', 'A_EXTV', 'A_FILE', 'A_NOTF', 'A_PBDG', 'A_PECO', 'A_PEND', 'A_PVAL', 'A_RESU', 'A_RHLD', 'A_TEXP'],
		);
		expect(values(property('paymentStatus')).filter(Boolean).sort()).toEqual(['P_HOLD', 'P_NOTP', 'P_PAID', 'P_PAYC', 'P_PROC']);
	});

	it('lists options alphabetically, with Title Case names and "Whether" booleans', () => {
		const walk = (props: INodeProperties[]) => {
			for (const p of props) {
				expect(p.displayName).toMatch(/^[A-Z]/);
				if (p.type === 'boolean') expect(p.description).toMatch(/^Whether /);
				if (p.type === 'options' || p.type === 'collection') {
					const names = (p.options as Array<{ name?: string; displayName?: string }>).map((o) => o.name ?? o.displayName ?? '');
					const display = p.type === 'collection' ? (p.options as INodeProperties[]).map((o) => o.displayName) : names;
					// Case-insensitive, as n8n's node-param-options-type-unsorted-items rule orders them.
					const lower = (x: string) => x.toLowerCase();
					expect(display).toEqual([...display].sort((a, b) => (lower(a) < lower(b) ? -1 : lower(a) > lower(b) ? 1 : 0)));
				}
				if (p.type === 'collection') walk(p.options as INodeProperties[]);
			}
		};
		walk(description.properties);
		const options = property('options').options as INodeProperties[];
		expect(options.map((o) => o.name)).toEqual(['fullDetails', 'lookBackMinutes', 'maxItemsPerPoll', 'pageSize']);
	});
});
