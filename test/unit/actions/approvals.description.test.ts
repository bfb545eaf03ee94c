/**
 * The descriptions of the Expense, Receipt and Travel Request resources and Report > Recall:
 * which parameters each operation shows (n8n-workflow's own display rules), and that every one of
 * them tells a user or an AI agent what to pass (the node is usable as a tool).
 */
import { Concur } from '../../../nodes/Concur/Concur.node';
import { displayedNames, displayedParameters, expectN8nWording } from '../../harness/descriptionRules';

const { description } = new Concur();

const displayed = displayedParameters;
const names = displayedNames;

const OPERATIONS: Array<[string, string[]]> = [
	['expense', ['get', 'getAll', 'getAttendees', 'getItemizations']],
	['receipt', ['get', 'upload']],
	['travelRequest', ['approve', 'get', 'getAll', 'recall', 'sendBack']],
	['report', ['recall']],
];

describe('Issue 14 operations: descriptions', () => {
	it('show the parameters of the selected operation only', () => {
		expect(names({ resource: 'expense', operation: 'getAll', returnAll: false })).toEqual(['resource', 'operation', 'userId', 'reportId', 'contextType', 'returnAll', 'limit', 'simplify']);
		expect(names({ resource: 'expense', operation: 'getAttendees' })).toEqual(['resource', 'operation', 'userId', 'reportId', 'contextType', 'expenseId', 'simplify']);
		expect(names({ resource: 'receipt', operation: 'get', of: 'receiptImage' })).toEqual(['resource', 'operation', 'of', 'receiptImageId', 'binaryPropertyName', 'options']);
		expect(names({ resource: 'receipt', operation: 'upload', to: 'report' })).toEqual(['resource', 'operation', 'to', 'reportId', 'binaryPropertyName']);
		expect(names({ resource: 'travelRequest', operation: 'get', by: 'url' })).toEqual(['resource', 'operation', 'by', 'url', 'userId', 'simplify']);
		expect(names({ resource: 'travelRequest', operation: 'getAll', returnAll: true })).toEqual(['resource', 'operation', 'returnAll', 'view', 'userId', 'filters', 'options', 'simplify']);
		expect(names({ resource: 'travelRequest', operation: 'sendBack' })).toEqual(['resource', 'operation', 'requestId', 'userId', 'comment', 'simplify']);
		expect(names({ resource: 'report', operation: 'recall' })).toEqual(['resource', 'operation', 'userId', 'reportId', 'contextType', 'comment']);
		expect(names({ resource: 'report', operation: 'get', by: 'id' })).toEqual(['resource', 'operation', 'by', 'reportId', 'userLoginId', 'includeExpenses', 'simplify']);
	});

	it('describe every parameter, alphabetise every choice and word booleans as n8n asks', () => {
		for (const [resource, operations] of OPERATIONS) {
			for (const operation of operations) {
				const shown = displayed({ resource, operation }).filter((property) => !['resource', 'operation'].includes(property.name));
				expectN8nWording(`${resource}.${operation}`, shown);
			}
		}
	});

	it('give each operation an action an agent can read', () => {
		const selectors = description.properties.filter((property) => property.name === 'operation');
		for (const [resource, operations] of OPERATIONS) {
			const selector = selectors.find((candidate) => (candidate.displayOptions?.show?.resource as string[])[0] === resource)!;
			for (const operation of operations) {
				const option = (selector.options as Array<{ value: string; action: string; description: string }>).find((candidate) => candidate.value === operation)!;
				expect(option.action).toMatch(/^[A-Z][a-z]/);
				expect(option.description.length).toBeGreaterThan(20);
			}
		}
		expect(description.usableAsTool).toBe(true);
	});
});
