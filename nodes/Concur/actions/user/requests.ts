/**
 * The User resource's calls to Concur, all through the package transport (429 back-off, token
 * refresh, outbound-URL gate): one request with errors that say what to do, the paged search,
 * and a provisioning request submitted and, on demand, waited for.
 */
import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ConcurRequestOptions } from '../../transport';
import { concurApiRequest } from '../../transport';
import { describeProvision, provisionErrors, provisioningPolicy, provisionSucceeded, waitForProvisioning } from './provisioning';
import { continuationTokenOf, pageSizeFor, searchRequestBody, usersOfPage } from './scim';
import { IDENTITY_SEARCH_PATH, PROVISIONING_BULK_PATH, provisionStatusPath } from './urls';

/** What an HTTP status means for this call, in words a user or an agent can act on. */
export type Explain = (httpCode: string) => { message: string; description: string } | undefined;

const FORBIDDEN: Explain = (httpCode) =>
	httpCode === '403'
		? {
				message: 'Concur refused access to its user APIs (HTTP 403)',
				description:
					'Identity v4.1 and User Provisioning v4 take a company token only (Company Request Token grant), with the identity.user.* scopes to read and user.provision.write / user.provision.read to provision',
			}
		: undefined;

/**
 * One call to Concur. An HTTP status `explain` knows becomes a NodeOperationError saying what to
 * do (Concur's correlation ID kept in the description); any other failure is passed on as the
 * transport built it.
 */
export async function userApiRequest(
	this: IExecuteFunctions,
	itemIndex: number,
	options: ConcurRequestOptions,
	explain?: Explain,
): Promise<IDataObject> {
	try {
		return (await concurApiRequest.call(this, options)) as IDataObject;
	} catch (error) {
		// Read by shape, not instanceof: n8n may load its own copy of n8n-workflow.
		const code = (error as { httpCode?: unknown }).httpCode;
		const httpCode = typeof code === 'string' && code !== '' ? code : undefined;
		const explained = httpCode ? (explain?.(httpCode) ?? FORBIDDEN(httpCode)) : undefined;
		if (explained) {
			const original = (error as { description?: unknown }).description;
			throw new NodeOperationError(this.getNode(), explained.message, {
				itemIndex,
				description: typeof original === 'string' && original !== '' ? `${explained.description}. ${original}` : explained.description,
			});
		}
		throw new NodeApiError(this.getNode(), error as JsonObject, { itemIndex });
	}
}

/**
 * Identity v4.1 Search (`POST …/Users/.search`), page after page: each answer's
 * `continuationToken` asks for the next (Concur sends none on the last page; `startIndex` is not
 * supported). `limit` stops early; without it every page is read.
 */
export async function searchUsers(
	this: IExecuteFunctions,
	itemIndex: number,
	filter: string | undefined,
	limit: number | undefined,
): Promise<IDataObject[]> {
	const users: IDataObject[] = [];
	const seen = new Set<string>();
	let token: string | undefined;
	for (;;) {
		const page = await userApiRequest.call(
			this,
			itemIndex,
			{ method: 'POST', url: IDENTITY_SEARCH_PATH, body: searchRequestBody(filter, pageSizeFor(limit, users.length), token), format: 'json' },
			(httpCode) =>
				httpCode === '400' && filter
					? {
							message: `Concur refused the user search filter: ${filter}`,
							description:
								'A SCIM filter is attribute, operator, value, e.g. userName eq "jdoe@example.com"; string values are in double quotes with " and \\ escaped',
						}
					: undefined,
		);
		const rows = usersOfPage(page);
		users.push(...rows);
		if (limit !== undefined && users.length >= limit) break;
		const next = continuationTokenOf(page);
		// A repeated token would loop for ever: stop instead of hammering Concur.
		if (!next || seen.has(next) || rows.length === 0) break;
		seen.add(next);
		token = next;
	}
	return limit === undefined ? users : users.slice(0, limit);
}

/** The status of a provisioning request; `operations` adds each operation with the user it is about. */
export async function readProvisionStatus(
	this: IExecuteFunctions,
	itemIndex: number,
	provisionId: string,
	operations: boolean,
): Promise<IDataObject> {
	return await userApiRequest.call(
		this,
		itemIndex,
		{
			method: 'GET',
			url: provisionStatusPath(provisionId),
			qs: operations ? { attributes: 'operations' } : undefined,
			format: 'json',
		},
		(httpCode) =>
			httpCode === '404'
				? {
						message: `No provisioning request has the ID "${provisionId}"`,
						description: 'Use the provisionId that User > Create, Update or Deactivate returned',
					}
				: undefined,
	);
}

/**
 * Sends a bulk request (`POST` to create, `PATCH` to change) and returns the provisioning request.
 * With Wait for Completion it reads the detailed status until Concur is done: a failed request is
 * an error listing Concur's messages, a request still running at the limit an error naming its ID.
 */
export async function provisionUsers(
	this: IExecuteFunctions,
	itemIndex: number,
	method: 'PATCH' | 'POST',
	body: IDataObject,
	what: string,
	userId?: string,
): Promise<IDataObject> {
	const submitted = await userApiRequest.call(this, itemIndex, { method, url: PROVISIONING_BULK_PATH, body, format: 'json' });
	const provisionId = typeof submitted.id === 'string' ? submitted.id : '';
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, false) as boolean;
	if (!wait) return describeProvision(submitted, userId);
	if (provisionId === '') {
		throw new NodeOperationError(this.getNode(), `Concur accepted the request to ${what} but sent no provisioning request ID`, { itemIndex });
	}
	const maxWaitSeconds = this.getNodeParameter('maxWaitSeconds', itemIndex, 60) as number;
	const result = await waitForProvisioning(
		async () => await readProvisionStatus.call(this, itemIndex, provisionId, true),
		Math.max(1, maxWaitSeconds) * 1000,
		provisioningPolicy,
	);
	if (!result.completed) {
		throw new NodeOperationError(
			this.getNode(),
			`Concur had not finished the request to ${what} after ${Math.round(result.waitedMs / 1000)} seconds (provisioning request ${provisionId})`,
			{
				itemIndex,
				description: `It may still complete: check it with User > Get Provisioning Status and the ID ${provisionId}, or raise Max Wait (Seconds)`,
			},
		);
	}
	if (provisionSucceeded(result.status) === false) {
		const errors = provisionErrors(result.status);
		throw new NodeOperationError(
			this.getNode(),
			`Concur could not ${what}: ${errors.length ? errors.join('; ') : 'the provisioning request failed'}`,
			{ itemIndex, description: `Provisioning request ${provisionId}` },
		);
	}
	return describeProvision(result.status, userId);
}
