/**
 * The Concur node's description and parameter display rules, checked with n8n-workflow's own NodeHelpers.
 */
import type { INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Concur } from '../../../nodes/Concur/Concur.node';
import { findOperation } from '../../../nodes/Concur/actions/router';
import { concurApiRequest, concurApiRequestAllItems } from '../../../nodes/Concur/transport';

jest.mock('../../../nodes/Concur/transport', () => ({
	concurApiRequest: jest.fn(),
	concurApiRequestAllItems: jest.fn(),
}));

const request = concurApiRequest as jest.MockedFunction<typeof concurApiRequest>;
const requestAll = concurApiRequestAllItems as jest.MockedFunction<typeof concurApiRequestAllItems>;

beforeEach(() => {
	request.mockReset();
	requestAll.mockReset();
});

describe('node description', () => {
	const { description } = new Concur();

	it('is the Concur action node as specified', () => {
		expect(description).toMatchObject({
			name: 'concur',
			displayName: 'Concur',
			usableAsTool: true,
			group: ['transform'],
			version: 1,
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			icon: { light: 'file:../../icons/concur.svg', dark: 'file:../../icons/concur.dark.svg' },
			credentials: [{ name: 'concurOAuth2Api', required: true }],
		});
	});

	it('lists resources and operations alphabetised, each operation with an implementation', () => {
		const resource = description.properties.find((property) => property.name === 'resource')!;
		const resourceValues = (resource.options as Array<{ value: string }>).map((option) => option.value);
		expect(resourceValues).toEqual(['eventSubscription', 'expense', 'list', 'listItem', 'notification', 'receipt', 'report', 'travelRequest', 'user']);
		const operationSelectors = description.properties.filter((property) => property.name === 'operation');
		expect(operationSelectors).toHaveLength(9);
		for (const selector of operationSelectors) {
			const names = (selector.options as Array<{ name: string }>).map((option) => option.name);
			expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
			const [selectorResource] = selector.displayOptions!.show!.resource as string[];
			for (const option of selector.options as Array<{ value: string; action: string }>) {
				expect(findOperation(selectorResource, option.value)).toBeDefined();
				expect(option.action).toMatch(/^[A-Z][a-z]/);
			}
		}
		expect(
			operationSelectors.flatMap((selector) => (selector.options as Array<{ value: string }>).map((option) => option.value)),
		).toEqual([
			...['upsert', 'delete', 'get', 'getAll', 'getTopics'],
			...['get', 'getAttendees', 'getItemizations', 'getAll'],
			...['get', 'getAll'],
			...['create', 'delete', 'get', 'getAll', 'sync', 'update'],
			...['delete', 'getAll'],
			...['get', 'upload'],
			...['addExceptions', 'approve', 'get', 'getAll', 'recall', 'sendBack'],
			...['approve', 'get', 'getAll', 'recall', 'sendBack'],
			...['create', 'deactivate', 'get', 'getAll', 'getProvisioningStatus', 'search', 'update'],
		]);
	});
});

describe('parameter display', () => {
	const { description } = new Concur();
	const displayed = (values: INodeParameters) =>
		description.properties
			.filter((property) => NodeHelpers.displayParameter(values, property, null, description))
			.map((property) => property.name);

	it('shows only the parameters of the selected operation', () => {
		expect(displayed({ resource: 'notification', operation: 'delete', by: 'id' })).toEqual([
			'resource',
			'operation',
			'by',
			'notificationId',
		]);
	});

	it('keeps other resources hidden when a shared selector is an expression', () => {
		// n8n shows a parameter as soon as a show-condition value is an expression; the resource
		// and operation are checked first so that cannot leak parameters of Report > Get.
		const names = displayed({ resource: 'notification', operation: 'delete', by: '={{ $json.by }}' });
		expect(names).toEqual(['resource', 'operation', 'by', 'notificationId', 'notificationUri']);
		expect(names).not.toContain('reportId');
	});
});
