// Travel requests (Request v4; docs request/v4.endpoints.request-resources,
// v4.endpoints.workflow-resources, event-topics/request/v4.request-events): list with views,
// dates and start/limit paging (`{data, operations}` with `next`/`first`/`last` links), get,
// and the workflow actions submit, approve, sendback and recall (POST …/{requestUuid}/{action},
// `userId` query, optional `{comment}` body, 200 with the request). Each status change queues a
// `public.concur.request` ESS event whose `facts.href` is the v4 URL of the request.
//
// [INFERRED] where Concur is silent: the error body `{errorCode, errorMessage}` (the codes are
// documented, the JSON shape is not); status codes `SENTBACK` "Sent Back" and `RECALLED`
// "Recalled"; an action in the wrong state is 409 `requestStatusNotAllowed`; a company token
// without `userId` lists every request; the comment is kept for every action.
import { randomUUID } from 'node:crypto';
import type { ConcurSimulator } from './index';
import { HttpError, authenticate, jsonBody, sendJson, tokenUser, isAdmin, type RequestContext } from './http';
import { makeReportId, prng, type EssEvent, type SimUser, type Tenant } from './state';
import type { AccessClaims } from './tokens';

export type RequestStatus = 'NOT_SUBMITTED' | 'SUBMITTED' | 'APPROVED' | 'SENTBACK' | 'RECALLED' | 'CANCELED';

const STATUS_NAMES: Record<RequestStatus, string> = {
	NOT_SUBMITTED: 'Not Submitted',
	SUBMITTED: 'Submitted & Pending Approval',
	APPROVED: 'Approved',
	SENTBACK: 'Sent Back',
	RECALLED: 'Recalled',
	CANCELED: 'Canceled',
};

export interface SimTravelRequest {
	id: string;
	requestId: string;
	name: string;
	businessPurpose: string;
	comment: string | null;
	ownerUuid: string;
	approverLoginId: string;
	status: RequestStatus;
	startDate: string;
	endDate: string;
	startTime: string;
	endTime: string;
	destination: { city: string; countryCode: string; countrySubDivisionCode: string | null; name: string };
	amount: number;
	currency: string;
	policyId: string;
	creationDate: number;
	submitDate: number | null;
	approvalDate: number | null;
	approvedByUuid: string | null;
	lastModified: number;
	everSentBack: boolean;
	closed: boolean;
	comments: Array<{ authorUuid: string | null; value: string; at: number }>;
}

export type RequestAction = 'submit' | 'approve' | 'sendback' | 'recall';

class RequestError extends HttpError {
	constructor(status: number, readonly code: string, message: string) {
		super(status, message);
	}
}

const DESTINATIONS = [
	{ city: 'Lyon, FRANCE', countryCode: 'FR', countrySubDivisionCode: 'FR-69', name: 'Lyon, FRANCE' },
	{ city: 'Berlin, GERMANY', countryCode: 'DE', countrySubDivisionCode: 'DE-BE', name: 'Berlin, GERMANY' },
	{ city: 'Chicago, UNITED STATES', countryCode: 'US', countrySubDivisionCode: 'US-IL', name: 'Chicago, UNITED STATES' },
	{ city: 'London, UNITED KINGDOM', countryCode: 'GB', countrySubDivisionCode: null, name: 'London, UNITED KINGDOM' },
];
const PURPOSES = ['Customer workshop', 'Trade fair', 'Company training', 'Partner meeting', 'Conference talk'];
const DAY = 86_400_000;

export class TravelRequestStore {
	readonly requests: SimTravelRequest[] = [];
	/**
	 * Tests: called before each list request is answered (the query as sent), e.g. to change
	 * requests between the requests of one poll.
	 */
	beforeList?: (query: URLSearchParams) => void;
	/** Tests: answer the list in this order instead of the sort asked for (an order Concur does not promise). */
	listOrder?: (requests: SimTravelRequest[]) => SimTravelRequest[];
	private readonly rand: () => number;
	private lastStamp = 0;

	constructor(private readonly sim: ConcurSimulator) {
		this.rand = prng(0x7e9e57);
		this.seed();
	}

	/** Nine requests of alice, bob and carol in every status the workflow reaches. */
	private seed(): void {
		const owners = ['alice', 'bob', 'carol'].map((name) => this.sim.tenant.userByLogin(`${name}@acme-sim.example`)).filter((u): u is SimUser => !!u);
		const statuses: RequestStatus[] = ['SUBMITTED', 'NOT_SUBMITTED', 'APPROVED', 'SUBMITTED', 'SENTBACK', 'SUBMITTED', 'APPROVED', 'RECALLED', 'CANCELED'];
		const now = Date.now();
		statuses.forEach((status, index) => {
			const request = this.build(owners[index % owners.length], now - (statuses.length - index) * 3 * DAY);
			request.status = status;
			if (status !== 'NOT_SUBMITTED') request.submitDate = request.creationDate + 3_600_000;
			if (status === 'APPROVED') {
				request.approvalDate = request.creationDate + 2 * DAY;
				request.approvedByUuid = this.sim.tenant.userByLogin(request.approverLoginId)?.uuid ?? null;
			}
			if (status === 'SENTBACK') request.everSentBack = true;
			request.lastModified = request.creationDate + 2 * DAY + index;
			this.requests.push(request);
		});
	}

	private build(owner: SimUser, created: number): SimTravelRequest {
		const rand = this.rand;
		const destination = DESTINATIONS[Math.floor(rand() * DESTINATIONS.length)];
		const purpose = PURPOSES[Math.floor(rand() * PURPOSES.length)];
		const start = new Date(created + (10 + Math.floor(rand() * 30)) * DAY);
		const end = new Date(start.getTime() + (1 + Math.floor(rand() * 4)) * DAY);
		let requestId = '';
		for (let i = 0; i < 4; i++) requestId += '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[Math.floor(rand() * 34)];
		return {
			id: makeReportId(rand) + makeReportId(rand).slice(0, 12),
			requestId,
			name: `${purpose} - ${destination.city.split(',')[0]}`,
			businessPurpose: purpose,
			comment: null,
			ownerUuid: owner.uuid,
			approverLoginId: 'manager@acme-sim.example',
			status: 'NOT_SUBMITTED',
			startDate: start.toISOString().slice(0, 10),
			endDate: end.toISOString().slice(0, 10),
			startTime: '07:15',
			endTime: '19:30',
			destination,
			amount: Math.round((250 + rand() * 1500) * 100) / 100,
			currency: destination.countryCode === 'US' ? 'USD' : destination.countryCode === 'GB' ? 'GBP' : 'EUR',
			policyId: 'F4C8BD31CA9D4D6292795BE687EB9B2A',
			creationDate: created,
			submitDate: null,
			approvalDate: null,
			approvedByUuid: null,
			lastModified: created,
			everSentBack: false,
			closed: false,
			comments: [],
		};
	}

	private stamp(): number {
		this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
		return this.lastStamp;
	}

	get(id: string): SimTravelRequest | undefined {
		return this.requests.find((request) => request.id === id);
	}

	/** Tests: the request disappears from every answer (deleted, or no longer visible to the caller). */
	remove(id: string): void {
		const index = this.requests.findIndex((request) => request.id === id);
		if (index >= 0) this.requests.splice(index, 1);
	}

	/** Creates a request (NOT_SUBMITTED) for a user; queues nothing. */
	create(input: { ownerLoginId?: string; name?: string } = {}): SimTravelRequest {
		const owner = this.sim.tenant.userByLogin(input.ownerLoginId ?? 'alice@acme-sim.example');
		if (!owner) throw new RequestError(404, 'userNotFound', `user ${input.ownerLoginId} not found`);
		const request = this.build(owner, this.stamp());
		if (input.name) request.name = input.name;
		this.requests.push(request);
		return request;
	}

	/**
	 * The workflow: moves the request and queues its ESS event. `actor` is who acts (undefined: the
	 * system). Throws RequestError (403 not allowed, 409 wrong status) like the API answers.
	 */
	act(id: string, action: RequestAction, actor: SimUser | undefined, comment?: string): SimTravelRequest {
		const request = this.get(id);
		if (!request) throw new RequestError(404, 'notFound', 'resource not found');
		const wrongStatus = () => new RequestError(409, 'requestStatusNotAllowed', `The Request is ${STATUS_NAMES[request.status]}: ${action} is not possible`);
		const isOwner = actor?.uuid === request.ownerUuid;
		const isApprover = !actor || actor.loginId.toLowerCase() === request.approverLoginId.toLowerCase() || actor.admin;
		switch (action) {
			case 'submit':
				if (!['NOT_SUBMITTED', 'SENTBACK', 'RECALLED'].includes(request.status)) throw wrongStatus();
				if (actor && !isOwner && !actor.admin) throw new RequestError(403, 'permissionDenied', 'permission denied');
				request.status = 'SUBMITTED';
				request.submitDate = this.stamp();
				break;
			case 'approve':
			case 'sendback':
				if (request.status !== 'SUBMITTED') throw wrongStatus();
				if (isOwner || !isApprover) throw new RequestError(403, 'permissionDenied', 'permission denied');
				if (action === 'approve') {
					request.status = 'APPROVED';
					request.approvalDate = this.stamp();
					request.approvedByUuid = actor?.uuid ?? null;
				} else {
					request.status = 'SENTBACK';
					request.everSentBack = true;
				}
				break;
			case 'recall':
				if (request.status !== 'SUBMITTED') throw wrongStatus();
				if (actor && !isOwner && !actor.admin) throw new RequestError(403, 'permissionDenied', 'permission denied');
				request.status = 'RECALLED';
				break;
		}
		if (comment) request.comments.push({ authorUuid: actor?.uuid ?? null, value: comment, at: this.stamp() });
		request.lastModified = this.stamp();
		this.queueEvent(request, action, actor);
		return request;
	}

	/** The v4 URL of a request on the company's geolocation (what events carry in facts.href). */
	href(request: SimTravelRequest, base = this.sim.geoBaseUrl(this.sim.tenant.companyHome)): string {
		return `${base}/travelrequest/v4/requests/${request.id}`;
	}

	private queueEvent(request: SimTravelRequest, action: RequestAction, actor: SimUser | undefined): void {
		const pending = request.status === 'SUBMITTED';
		const manager = this.sim.tenant.userByLogin(request.approverLoginId);
		const status = pending ? 'PendingRequestManagerApproval' : request.status === 'APPROVED' ? 'APPROVED' : 'SENTBACK';
		const event: EssEvent = {
			id: randomUUID(),
			correlationId: randomUUID(),
			route: 'stable',
			topic: 'public.concur.request',
			eventType: pending ? 'statusChange.PENDING.RequestManager' : request.status === 'APPROVED' ? 'statusChange.APPROVED' : 'statusChange.SENTBACK',
			timeStamp: new Date().toISOString(),
			facts: {
				companyId: this.sim.tenant.companyUuid,
				isClosed: String(request.closed),
				isTest: 'false',
				isRecall: String(action === 'recall'),
				...(pending && manager ? { recipientId: manager.uuid } : {}),
				requestId: request.requestId,
				...(actor && actor.uuid !== request.ownerUuid ? { actingUserId: actor.uuid } : {}),
				id: request.id,
				href: this.href(request),
				userId: request.ownerUuid,
				entityId: 'p0sim0acme',
				policyId: request.policyId,
				status,
				role: pending ? 'RequestManager' : '',
				currentApprovalStatus: pending ? 'Q_PEND' : '',
				stepCode: pending ? 'PENDMGRA' : request.status === 'APPROVED' ? 'REQAPPR' : 'SENDBACK',
				isPaymentCardRelated: 'false',
			},
		};
		this.sim.tenant.pendingEvents.push(event);
		this.sim.tenant.allEvents.push(event);
		this.sim.tenant.onQueued?.();
	}

	/** The actions a viewer may take now (the request's HATEOAS `operations`). */
	actionsFor(request: SimTravelRequest, viewer: SimUser | undefined): RequestAction[] {
		const isOwner = viewer?.uuid === request.ownerUuid;
		const isApprover = !viewer || viewer.admin || viewer.loginId.toLowerCase() === request.approverLoginId.toLowerCase();
		if (['NOT_SUBMITTED', 'SENTBACK', 'RECALLED'].includes(request.status)) return isOwner ? ['submit'] : [];
		if (request.status === 'SUBMITTED') return [...(isOwner ? (['recall'] as const) : []), ...(!isOwner && isApprover ? (['approve', 'sendback'] as const) : [])];
		return [];
	}

	/** The Request JSON (docs v4.endpoints.schemas Request). */
	toJson(request: SimTravelRequest, base: string, viewer: SimUser | undefined): Record<string, unknown> {
		const owner = this.sim.tenant.userByUuid(request.ownerUuid);
		const approver = this.sim.tenant.userByLogin(request.approverLoginId);
		const person = (user: SimUser | undefined) => user && { id: user.uuid, firstName: user.name.split(' ')[0], lastName: user.name.split(' ').slice(1).join(' ') };
		const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
		const money = (value: number) => ({ value, currency: request.currency });
		const href = `${base}/travelrequest/v4/requests/${request.id}`;
		const approved = request.status === 'APPROVED';
		return {
			href,
			id: request.id,
			approvalStatus: { code: request.status, name: STATUS_NAMES[request.status] },
			approved,
			...(request.status === 'SUBMITTED' ? { approver: person(approver) } : {}),
			businessPurpose: request.businessPurpose,
			canceledPostApproval: false,
			closed: request.closed,
			comment: request.comments.length ? request.comments[request.comments.length - 1].value : request.comment,
			comments: { href: `${href}/comments`, id: request.id, template: `${base}/travelrequest/v4/requests/{id}/comments` },
			creationDate: iso(request.creationDate),
			endDate: request.endDate,
			endTime: request.endTime,
			everSentBack: request.everSentBack,
			expenses: [],
			highestExceptionLevel: 'NONE',
			lastModified: iso(request.lastModified),
			mainDestination: request.destination,
			name: request.name,
			owner: person(owner),
			pendingApproval: request.status === 'SUBMITTED',
			policy: { id: request.policyId },
			requestId: request.requestId,
			startDate: request.startDate,
			startTime: request.startTime,
			submitDate: iso(request.submitDate),
			totalApprovedAmount: money(approved ? request.amount : 0),
			totalPostedAmount: money(request.amount),
			totalRemainingAmount: money(request.amount),
			type: { code: 'TRAVEL', label: 'Travel' },
			operations: this.actionsFor(request, viewer).map((rel) => ({ rel, href: `${href}/${rel}` })),
		};
	}
}

const stores = new WeakMap<Tenant, TravelRequestStore>();

/** The travel requests of a simulator's tenant (seeded on first use, deterministic). */
export function travelRequestsOf(sim: ConcurSimulator): TravelRequestStore {
	let store = stores.get(sim.tenant);
	if (!store) {
		store = new TravelRequestStore(sim);
		stores.set(sim.tenant, store);
	}
	return store;
}

// ------------------------------------------------------------------------------------------ routes

// Documented: `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` or `yyyy-MM-dd` (whole seconds without .SSS accepted too).
const DATE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2}(?:\.\d{3})?)Z)?$/;

function parseRequestDate(name: string, value: string): number {
	const m = DATE.exec(value);
	const ms = m ? Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}Z`) : NaN;
	if (Number.isNaN(ms)) throw new RequestError(400, 'invalidDate', `error while parsing date value ${value} (${name})`);
	return ms;
}

/** Who a call acts as: the `userId` query when given (a company token must name one), else the token's user. */
function callerOf(sim: ConcurSimulator, claims: AccessClaims, userId: string | null): SimUser | undefined {
	if (userId) {
		if (!/^[0-9a-f-]{36}$/i.test(userId)) throw new RequestError(400, 'invalidUuid', `invalid ${userId} for the userId`);
		const user = sim.tenant.userByUuid(userId);
		if (!user) throw new RequestError(400, 'userNotFound', `user ${userId} not found`);
		const own = tokenUser(sim, claims);
		if (own && own.uuid !== user.uuid && !isAdmin(sim, claims)) throw new RequestError(403, 'userIsNotAllowed', 'user is not allowed to access this resource');
		return user;
	}
	return tokenUser(sim, claims);
}

const TRAVELER_VIEWS: Record<string, (r: SimTravelRequest, now: number) => boolean> = {
	ALL: () => true,
	ACTIVE: (r, now) => r.status !== 'CANCELED' && !r.closed && (r.status !== 'APPROVED' || (r.approvalDate ?? 0) > now - 90 * DAY),
	ACTIVEAPPROVED: (r, now) => r.status === 'APPROVED' && !r.closed && (r.approvalDate ?? 0) > now - 90 * DAY,
	UNSUBMITTED: (r) => ['NOT_SUBMITTED', 'SENTBACK', 'RECALLED'].includes(r.status),
	PENDING: (r) => r.status === 'SUBMITTED',
	VALIDATED: (r) => r.status === 'APPROVED',
	CANCELED: (r) => r.status === 'CANCELED',
	CLOSED: (r) => r.closed,
	SUBMITTED: (r) => r.status === 'SUBMITTED' || r.status === 'APPROVED',
	PENDINGEBOOKING: (r) => r.status === 'APPROVED' && !r.closed,
};
const TMC_VIEWS = new Set(['PENDINGPROPOSAL', 'PROPOSALAPPROVED', 'PROPOSALCANCELED']);

function listRequests(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims): void {
	const q = ctx.query;
	const store = travelRequestsOf(sim);
	store.beforeList?.(q);
	const view = (q.get('view') || 'ALL').toUpperCase();
	const userId = q.get('userId');
	const caller = callerOf(sim, claims, userId);
	const limitRaw = q.get('limit') ?? '10';
	if (!/^\d+$/.test(limitRaw)) throw new RequestError(400, '-', 'Limit must contains only digits');
	const limit = Number(limitRaw);
	if (limit > 100) throw new RequestError(400, '-', 'Limit must be less than or equal to 100');
	if (limit < 1) throw new RequestError(400, '-', 'Limit must be greater than or equal to 1');
	const start = Number(q.get('start') ?? '0');
	if (!Number.isInteger(start) || start < 0) throw new RequestError(400, 'badParam', 'the request has bad parameter(s) start');
	const now = Date.now();
	let matches: SimTravelRequest[];
	if (TMC_VIEWS.has(view)) {
		if (!userId) throw new RequestError(400, 'missingRequiredParam', 'the request is missing required parameter(s) userId');
		matches = []; // no travel agency in the simulated company
	} else if (view === 'TOAPPROVE' || view === 'APPROVED') {
		matches = store.requests.filter((r) =>
			view === 'TOAPPROVE'
				? r.status === 'SUBMITTED' && (!caller || r.approverLoginId.toLowerCase() === caller.loginId.toLowerCase())
				: r.status === 'APPROVED' && (!caller || r.approvedByUuid === caller.uuid),
		);
	} else {
		const inView = TRAVELER_VIEWS[view];
		if (!inView) throw new RequestError(400, 'badParam', `the request has bad parameter(s) view`);
		matches = store.requests.filter((r) => (!caller || r.ownerUuid === caller.uuid) && inView(r, now));
	}
	const ranges: Array<[string, (r: SimTravelRequest) => number | null]> = [
		['approved', (r) => r.approvalDate],
		['modified', (r) => r.lastModified],
	];
	for (const [name, get] of ranges) {
		const after = q.get(`${name}After`);
		const before = q.get(`${name}Before`);
		const lo = after ? parseRequestDate(`${name}After`, after) : -Infinity;
		const hi = before ? parseRequestDate(`${name}Before`, before) : Infinity;
		if (after || before) matches = matches.filter((r) => { const v = get(r); return v !== null && v > lo && v < hi; });
	}
	const sortField = q.get('sortField') ?? 'startDate';
	const order = (q.get('sortOrder') ?? 'DESC').toUpperCase() === 'ASC' ? 1 : -1;
	const key = (r: SimTravelRequest) => (sortField === 'approvalStatus' ? r.status : sortField === 'requestId' ? r.requestId : r.startDate);
	matches = [...matches].sort((a, b) => (key(a) < key(b) ? -order : key(a) > key(b) ? order : a.id < b.id ? -1 : 1));
	if (store.listOrder) matches = store.listOrder(matches);
	const page = matches.slice(start, start + limit);
	const link = (rel: string, at: number) => {
		const params = new URLSearchParams(q);
		params.set('limit', String(limit));
		params.set('start', String(at));
		return { rel, href: `${ctx.base}/travelrequest/v4/requests?${params.toString()}` };
	};
	const operations = [
		...(start + limit < matches.length ? [link('next', start + limit)] : []),
		link('first', 0),
		link('last', Math.max(0, Math.floor((matches.length - 1) / limit) * limit)),
	];
	sendJson(ctx, 200, { data: page.map((r) => store.toJson(r, ctx.base, caller)), operations });
}

const REQUEST_PATH = /^\/travelrequest\/v4\/requests\/([^/]+)$/;
const ACTION_PATH = /^\/travelrequest\/v4\/requests\/([^/]+)\/([^/]+)$/;

function route(sim: ConcurSimulator, ctx: RequestContext): void {
	const claims = authenticate(sim, ctx, 'resource');
	const store = travelRequestsOf(sim);
	let m: RegExpExecArray | null;
	if (ctx.path === '/travelrequest/v4/requests') {
		if (ctx.method !== 'GET') throw new RequestError(405, 'badParam', `Method ${ctx.method} not allowed`);
		return listRequests(sim, ctx, claims);
	}
	if ((m = REQUEST_PATH.exec(ctx.path))) {
		if (ctx.method !== 'GET') throw new RequestError(405, 'badParam', `Method ${ctx.method} not allowed`);
		const caller = callerOf(sim, claims, ctx.query.get('userId'));
		const request = store.get(m[1]);
		if (!request) throw new RequestError(404, 'notFound', 'resource not found');
		if (caller && !caller.admin && caller.uuid !== request.ownerUuid && caller.loginId.toLowerCase() !== request.approverLoginId.toLowerCase())
			throw new RequestError(403, 'userIsNotAllowed', 'user is not allowed to access this resource');
		return sendJson(ctx, 200, store.toJson(request, ctx.base, caller));
	}
	if ((m = ACTION_PATH.exec(ctx.path))) {
		if (ctx.method !== 'POST') throw new RequestError(405, 'badParam', `Method ${ctx.method} not allowed`);
		const action = m[2].toLowerCase();
		if (!['submit', 'approve', 'sendback', 'recall'].includes(action))
			throw new RequestError(400, 'unsupportedParam', `the request has unsupported parameter(s): ${m[2]} is not simulated`);
		const userId = ctx.query.get('userId');
		// "Required when connecting with a Company token for traveler and non traveler actions".
		if (!userId && claims['concur.type'] === 'company') throw new RequestError(400, 'missingRequiredParam', 'the request is missing required parameter(s) userId');
		const caller = callerOf(sim, claims, userId);
		const body = jsonBody(ctx);
		const comment = typeof body.comment === 'string' && body.comment.trim() ? body.comment : undefined;
		const request = store.act(m[1], action as RequestAction, caller, comment);
		return sendJson(ctx, 200, store.toJson(request, ctx.base, caller));
	}
	throw new RequestError(404, 'notFound', 'resource not found');
}

/** Request v4 routes, with Request v4's own error body. Returns false for any other path. */
export function travelRequestRoute(sim: ConcurSimulator, ctx: RequestContext): boolean {
	if (!ctx.path.startsWith('/travelrequest/v4/')) return false;
	try {
		route(sim, ctx);
	} catch (error) {
		if (!(error instanceof HttpError)) throw error;
		const code = error instanceof RequestError ? error.code : error.status === 401 ? 'invalidUser' : error.status === 403 ? 'permissionDenied' : 'badParam';
		sendJson(ctx, error.status, { errorCode: code, errorMessage: error.message });
	}
	return true;
}
