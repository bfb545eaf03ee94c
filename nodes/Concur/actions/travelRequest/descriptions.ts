import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

export const requestIdProperty: INodeProperties = {
	displayName: 'Request ID',
	name: 'requestId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 224AF3CDCC2A5244A37C72FA5770C6F2',
	description:
		'The unique ID of the request as Travel Request outputs give it (32 characters), not the short request number such as 333U shown to users',
};

export const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: 'Whether to return a simplified version of the response instead of the raw data',
};

// The views Concur documents; "traveler" views list the user's own requests, "approver"
// views the requests the user approves, "TMC" views those of a travel agency agent.
export const TRAVEL_REQUEST_VIEWS: INodePropertyOptions[] = [
	{ name: 'Active', value: 'ACTIVE', description: 'Active requests, without cancelled ones' },
	{ name: 'Active Approved', value: 'ACTIVEAPPROVED', description: 'Approved requests less than three months old, not closed' },
	{ name: 'All', value: 'ALL', description: 'All requests of the user (traveler)' },
	{ name: 'Approved', value: 'APPROVED', description: 'Requests the user approved (approver)' },
	{ name: 'Canceled', value: 'CANCELED', description: 'Cancelled requests (traveler)' },
	{ name: 'Closed', value: 'CLOSED', description: 'Closed requests (traveler)' },
	{ name: 'Pending', value: 'PENDING', description: 'Submitted requests not yet approved (traveler)' },
	{ name: 'Pending E-Booking', value: 'PENDINGEBOOKING', description: 'Approved requests awaiting a Concur Travel booking' },
	{ name: 'Pending Proposal', value: 'PENDINGPROPOSAL', description: 'Requests at a travel agency step (TMC agent, User ID required)' },
	{ name: 'Proposal Approved', value: 'PROPOSALAPPROVED', description: 'Requests approved by the TMC agent (User ID required)' },
	{ name: 'Proposal Canceled', value: 'PROPOSALCANCELED', description: 'Requests cancelled for the TMC agent (User ID required)' },
	{ name: 'Submitted', value: 'SUBMITTED', description: 'Submitted requests, without cancelled ones (traveler)' },
	{ name: 'To Approve', value: 'TOAPPROVE', description: 'Requests waiting for the user\'s approval (approver)' },
	{ name: 'Unsubmitted', value: 'UNSUBMITTED', description: 'Requests not submitted yet (traveler)' },
	{ name: 'Validated', value: 'VALIDATED', description: 'Approved requests of the user, closed ones included (traveler)' },
];
