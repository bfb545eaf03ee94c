/** The simplified Travel Request v4 (docs: request/v4.endpoints.schemas, Request). */
import type { IDataObject } from 'n8n-workflow';

import { isObject, objectOf } from '../../helpers/values';
import { compact, text, toNumber } from '../report/simplify';

const booleanOf = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

function personName(person: IDataObject): string | undefined {
	const name = [text(person.firstName), text(person.lastName)].filter(Boolean).join(' ');
	return name === '' ? undefined : name;
}

export function simplifyTravelRequest(request: IDataObject): IDataObject {
	const status = objectOf(request.approvalStatus);
	const owner = objectOf(request.owner);
	const approver = objectOf(request.approver);
	const destination = objectOf(request.mainDestination);
	const posted = objectOf(request.totalPostedAmount);
	const approved = objectOf(request.totalApprovedAmount);
	const remaining = objectOf(request.totalRemainingAmount);
	const type = objectOf(request.type);
	const operations = Array.isArray(request.operations) ? request.operations.filter(isObject) : [];
	return compact({
		id: text(request.id),
		requestId: text(request.requestId),
		name: text(request.name),
		businessPurpose: text(request.businessPurpose),
		comment: text(request.comment),
		approvalStatusCode: text(status.code),
		approvalStatusName: text(status.name),
		ownerId: text(owner.id),
		ownerName: personName(owner),
		approverId: text(approver.id),
		approverName: personName(approver),
		type: text(type.code),
		startDate: text(request.startDate),
		endDate: text(request.endDate),
		mainDestination: text(destination.name) ?? text(destination.city),
		countryCode: text(destination.countryCode),
		totalPostedAmount: toNumber(posted.value),
		totalApprovedAmount: toNumber(approved.value),
		totalRemainingAmount: toNumber(remaining.value),
		currency: text(posted.currency) ?? text(approved.currency),
		pendingApproval: booleanOf(request.pendingApproval),
		approved: booleanOf(request.approved),
		closed: booleanOf(request.closed),
		everSentBack: booleanOf(request.everSentBack),
		canceledPostApproval: booleanOf(request.canceledPostApproval),
		highestExceptionLevel: text(request.highestExceptionLevel),
		creationDate: text(request.creationDate),
		submitDate: text(request.submitDate),
		lastModified: text(request.lastModified),
		// The workflow actions Concur offers this caller now (HATEOAS `operations`), e.g. ['approve', 'sendback'].
		availableActions: operations.map((operation) => text(operation.rel)).filter((rel): rel is string => !!rel),
		href: text(request.href),
	});
}
