// In-memory Concur tenant: company, users, expense reports with entries and exceptions, the ESS
// event queue, legacy callout queue, failed notifications and ESS subscriptions.
// Report changes go through one function (applyChange) so LastModifiedDate, the ESS event and the
// legacy callout always stay consistent.
import { randomUUID } from 'node:crypto';

export const LEGACY_HOST = 'https://www.concursolutions.com';

export const APPROVAL_STATUS_NAMES: Record<string, string> = {
	A_NOTF: 'Not Submitted',
	A_RESU: 'Sent Back to Employee',
	A_PEND: 'Submitted & Pending Approval',
	A_EXTV: 'Pending External Validation',
	A_APPR: 'Approved',
	A_PECO: 'Pending Cost Object Approval',
	A_PBDG: 'Pending Budget Approval',
	A_ACCO: 'Accounting Review',
};

export const PAYMENT_STATUS_NAMES: Record<string, string> = {
	P_NOTP: 'Not Paid',
	P_PROC: 'Processing Payment',
	P_PAID: 'Paid',
	P_PAYC: 'Payment Confirmed',
	P_HOLD: 'On Hold',
};

/** Exception codes configured in the simulated tenant; anything else is "Invalid Exception Code". */
export const KNOWN_EXCEPTION_CODES = ['APPRVTO', 'MISSREQFLD', 'NODATE', 'NORECEIPT', 'OVERLIMIT', 'DUPLICATE', 'POLICY'];

export type Home = 'primary' | 'secondary';

export interface SimUser {
	uuid: string;
	loginId: string;
	password: string;
	name: string;
	home: Home;
	/** Web Services Admin: may use user=ALL and other users' login ids. */
	admin: boolean;
}

export interface SimEntry {
	rpeKey: string;
	expenseTypeCode: string;
	expenseTypeName: string;
	transactionDate: string; // yyyy-MM-dd
	amount: number;
	currency: string;
	vendor: string;
	location: string;
	businessPurpose: string;
	receiptRequired: boolean;
	receiptReceived: boolean;
	isPersonal: boolean;
}

export interface SimException {
	exceptionCode: string;
	exceptionVisibility: string;
	objectType: string | null;
	objectId: string | null;
	source: 'v1.1' | 'v4' | 'seed';
}

export interface SimReport {
	id: string; // 20 chars, v3 ID / v4 reportId / ESS reportId
	rptKey: string; // v1.1 encrypted key (contains $ and %)
	wfKey: string; // current workflow step key used in WorkflowActionURL; changes with every step
	name: string;
	purpose: string;
	currency: string;
	country: string;
	ownerUuid: string;
	approverLoginId: string | null;
	approvalStatusCode: string;
	paymentStatusCode: string;
	createDate: number;
	submitDate: number | null;
	processingPaymentDate: number | null;
	paidDate: number | null;
	lastModified: number;
	policyId: string;
	everSentBack: boolean;
	entries: SimEntry[];
	exceptions: SimException[];
	comments: string[];
	processId: string;
	reportVersion: number;
}

export type ReportAction = 'create' | 'submit' | 'approve' | 'sendBack' | 'recall' | 'pay' | 'touch';

export interface EssEvent {
	id: string;
	correlationId: string;
	route: 'stable';
	topic: string;
	eventType: string;
	timeStamp: string;
	facts: Record<string, unknown>;
}

export interface LegacyCallout {
	id: string;
	reportId: string;
	rptKey: string;
	eventType: string;
	objectType: 'EXPRPT';
	objectUri: string;
	eventDate: string; // yyyy-MM-dd as pushed
	eventDateTime: string; // yyyy-MM-ddTHH:mm:ss, used when it becomes a FAILED notification
	/** The exact XML body Concur pushes (Concur's callout push sample, no namespace). */
	xml: string;
}

export interface FailedNotification {
	id: string;
	context: string | null;
	eventDateTime: string;
	eventType: string;
	objectType: string;
	objectUri: string;
}

export interface Subscription {
	id: string;
	topic: string;
	filter: string;
	webHookConfig: { endpoint: string };
	applicationId: string;
	scope: string[];
	groups: string[];
	companyIds: string[];
}

export class TransitionError extends Error {}

/** No report with that id (the API layers answer 404). */
export class ReportNotFoundError extends Error {}

/** The caller is not the one who acts on the report's current workflow step (see assertActsOnStep). */
export class NotTheApproverError extends Error {}

/**
 * Who performs a workflow action through Concur's APIs (Concur's Expense Report v4 and Workflows docs; Concur's v1.1 Workflow Action docs): the System role
 * (a company token, or a Web Services Administrator) or a user acting as an approver.
 */
export type WorkflowActor = { kind: 'system' } | { kind: 'user'; user: SimUser };

export interface WorkflowStep {
	/** The ESS stepCode of the step. */
	code: 'EXTVAL' | 'MANAGER';
	/** A system step (external validation) is acted on by the System role, never by a person. */
	system: boolean;
	/** Login ID of the approver a MANAGER step waits for. */
	approverLoginId: string | null;
}

/** The workflow step a report waits in, or null when no step waits for an approver's action. */
export function currentStep(report: SimReport): WorkflowStep | null {
	if (report.approvalStatusCode === 'A_EXTV') return { code: 'EXTVAL', system: true, approverLoginId: null };
	if (report.approvalStatusCode === 'A_PEND') return { code: 'MANAGER', system: false, approverLoginId: report.approverLoginId };
	return null;
}

/**
 * Throws NotTheApproverError unless `actor` is the one who acts on the report's current step: the
 * System role at external validation (A_EXTV), the report's approver at the MANAGER step
 * (A_PEND). A report at no step is left to applyChange, which refuses the action for its status.
 * So two automations that both answer one submission cannot approve it twice: the first moves it
 * to the manager, and the second is refused there.
 */
export function assertActsOnStep(report: SimReport, actor: WorkflowActor): void {
	const step = currentStep(report);
	if (!step) return;
	if (step.system) {
		if (actor.kind !== 'system')
			throw new NotTheApproverError(
				`Report ${report.id} is at the external validation step (A_EXTV): only the System role (a company token or a Web Services Administrator) acts on it.`,
			);
		return;
	}
	if (actor.kind !== 'user' || actor.user.loginId.toLowerCase() !== (step.approverLoginId ?? '').toLowerCase())
		throw new NotTheApproverError(
			`Report ${report.id} is waiting for its approver ${step.approverLoginId ?? '(none)'} (A_PEND, step MANAGER); ` +
				(actor.kind === 'system' ? 'a company token acts only on system steps such as external validation.' : `${actor.user.loginId} is not that approver.`),
		);
}

/** Deterministic PRNG so the seeded tenant looks the same every run (ids, amounts, keys). */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const NON_HEX = 'ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ';

/** A v1.1-style encrypted key: letters and digits with `$` and `%` in it (the `%` is never followed by two hex digits, like Concur's samples). */
export function makeLegacyKey(rand: () => number, length = 34): string {
	let key = '';
	while (key.length < length) {
		const r = rand();
		if (key.length > 2 && r < 0.07) key += '$';
		else if (key.length > 2 && r < 0.1) key += '%' + NON_HEX[Math.floor(rand() * NON_HEX.length)];
		else key += ALNUM[Math.floor(rand() * ALNUM.length)];
	}
	if (!key.includes('$')) key = key.slice(0, 5) + '$' + key.slice(6);
	if (!key.includes('%')) key = key.slice(0, 12) + '%' + NON_HEX[Math.floor(rand() * NON_HEX.length)] + key.slice(14);
	return key.slice(0, length);
}

export function makeReportId(rand: () => number): string {
	let id = '';
	for (let i = 0; i < 20; i++) id += '0123456789ABCDEF'[Math.floor(rand() * 16)];
	return id;
}

/**
 * v3 timestamp form, UTC without zone designator, as in Concur's v3 samples
 * (`"LastModifiedDate": "2016-04-23T02:53:23.7"`): .NET style, the fraction keeps up to three
 * digits with trailing zeros dropped, and disappears on a whole second.
 */
export function v3Timestamp(ms: number): string {
	const iso = new Date(ms).toISOString();
	const fraction = iso.slice(20, 23).replace(/0+$/, '');
	return iso.slice(0, 19) + (fraction ? `.${fraction}` : '');
}

/** Like v3Timestamp, for nullable fields. */
export function v3TimestampOrNull(ms: number | null): string | null {
	return ms === null ? null : v3Timestamp(ms);
}

/** Date-only fields (UserDefinedDate, v1.1 ReportDate...): `yyyy-MM-ddT00:00:00`. */
export function v3Date(ms: number | null): string | null {
	return ms === null ? null : new Date(ms).toISOString().slice(0, 10) + 'T00:00:00';
}

export function reportTotal(report: SimReport): number {
	return Math.round(report.entries.reduce((sum, e) => sum + e.amount, 0) * 100) / 100;
}

export function amountDueEmployee(report: SimReport): number {
	return Math.round(report.entries.filter((e) => !e.isPersonal).reduce((sum, e) => sum + e.amount, 0) * 100) / 100;
}

const EXPENSE_TYPES: Array<[string, string, string[], [number, number]]> = [
	['AIRFR', 'Airfare', ['Lufthansa', 'United Airlines', 'Air France', 'Delta'], [180, 1400]],
	['LODNG', 'Hotel', ['Marriott', 'Hilton', 'Ibis', 'Hyatt'], [90, 480]],
	['BRKFT', 'Breakfast', ['Café Central', 'Starbucks', 'Le Pain Quotidien'], [8, 35]],
	['LUNCH', 'Lunch', ['Vapiano', 'Pret A Manger', 'Chipotle'], [12, 60]],
	['DINNR', 'Dinner', ['The Ivy', 'Nobu', 'Local Bistro'], [25, 220]],
	['TAXIX', 'Taxi', ['Uber', 'FreeNow', 'Yellow Cab'], [9, 95]],
	['CARRT', 'Car Rental', ['Sixt', 'Hertz', 'Avis'], [60, 400]],
	['OFCSP', 'Office Supplies', ['Staples', 'Amazon'], [5, 150]],
];
const PURPOSES = ['Customer visit', 'Sales kickoff', 'Trade fair', 'Team offsite', 'Partner workshop', 'Conference', 'Training', 'Site inspection'];
const CITIES: Array<[string, string, string]> = [
	['Berlin', 'DE', 'EUR'],
	['Chicago', 'US', 'USD'],
	['London', 'GB', 'GBP'],
	['Paris', 'FR', 'EUR'],
	['Seattle', 'US', 'USD'],
];

export interface TenantOptions {
	/** Number of seeded reports (default 12). */
	reports?: number;
	/** PRNG seed for the seeded data (default 1). */
	randomSeed?: number;
	/** Whether submit goes through the external validation step (A_EXTV, callout, stepCode EXTVAL). Default true. */
	externalValidation?: boolean;
}

export class Tenant {
	readonly companyUuid: string;
	readonly users: SimUser[] = [];
	companyHome: Home = 'primary';
	/** Whether the company has connected this app (else company grant → code 53). */
	companyEnabledForClient = true;
	requestToken: string;
	requestTokenIssuedAt = Date.now();
	externalValidation: boolean;

	private readonly byId = new Map<string, SimReport>();
	private readonly byRptKey = new Map<string, SimReport>();
	/** Every workflow step key ever handed out → report id, so stale keys can be told apart from unknown ones. */
	private readonly wfKeys = new Map<string, string>();
	private sorted: SimReport[] = [];
	/** Bumped on every change; the v3 list caches filtered results per version. */
	version = 0;
	private sortedDirty = false;
	private lastStamp = 0;
	private rand: () => number;

	/** ESS events not yet taken by the sender, and every event ever queued. */
	pendingEvents: EssEvent[] = [];
	allEvents: EssEvent[] = [];
	pendingCallouts: LegacyCallout[] = [];
	allCallouts: LegacyCallout[] = [];
	notifications: FailedNotification[] = [];
	subscriptions: Subscription[] = [];
	/** Called after an ESS event or callout is queued (the simulator's auto-delivery hooks in here). */
	onQueued?: () => void;
	/** Subscription ids owned by other applications (ESS ids are globally unique). */
	foreignSubscriptionIds = new Set<string>(['taken-by-another-app']);

	constructor(
		/** Base URL of a geolocation (known once the simulator listens). */
		private readonly geoBaseUrl: (home: Home) => string,
		options: TenantOptions = {},
	) {
		this.rand = prng(options.randomSeed ?? 1);
		this.externalValidation = options.externalValidation ?? true;
		this.companyUuid = uuidFrom(this.rand);
		this.requestToken = uuidFrom(this.rand);
		const addUser = (loginId: string, name: string, admin: boolean, home: Home = 'primary') =>
			this.users.push({ uuid: uuidFrom(this.rand), loginId, password: 'Sim-Passw0rd!', name, admin, home });
		addUser('admin@acme-sim.example', 'Ada Admin', true);
		addUser('alice@acme-sim.example', 'Alice Johnson', false);
		addUser('bob@acme-sim.example', 'Bob Meyer', false);
		addUser('carol@acme-sim.example', 'Carol Dubois', false);
		addUser('manager@acme-sim.example', 'Martin Manager', false);
		addUser('remote@acme-sim.example', 'Rita Remote', false, 'secondary');
		this.seedReports(options.reports ?? 12);
	}

	// ---------------------------------------------------------------- users

	userByLogin(loginId: string): SimUser | undefined {
		const lower = loginId.toLowerCase();
		return this.users.find((u) => u.loginId.toLowerCase() === lower);
	}

	userByUuid(uuid: string): SimUser | undefined {
		return this.users.find((u) => u.uuid === uuid);
	}

	// ---------------------------------------------------------------- reports

	/** Seeded reports: several owners, all statuses, entries with and without receipts. */
	seedReports(count: number): string[] {
		// The remote user only exists for geolocation (code 16) tests and owns no reports.
		const owners = this.users.filter((u) => !u.admin && u.loginId !== 'manager@acme-sim.example' && u.home === 'primary');
		const statuses: Array<[string, string]> = [
			['A_NOTF', 'P_NOTP'],
			['A_EXTV', 'P_NOTP'],
			['A_PEND', 'P_NOTP'],
			['A_APPR', 'P_NOTP'],
			['A_APPR', 'P_PAID'],
			['A_RESU', 'P_NOTP'],
		];
		const now = Date.now();
		const ids: string[] = [];
		let extvSeen = 0;
		for (let i = 0; i < count; i++) {
			const owner = owners[i % owners.length];
			const [approval, payment] = statuses[i % statuses.length];
			// Spread over the last 30 days, strictly increasing and always in the past.
			let modified = now - (count - i) * 37 * 60 * 1000 - 30 * 60 * 1000;
			// One report on a whole second and one on a round 10 ms: v3 then shows `…:23` and `…:23.12`.
			if (i === 0) modified -= modified % 1000;
			if (i === 1) modified -= modified % 10;
			const report = this.buildReport(owner, modified - 3 * 24 * 3600 * 1000);
			report.approvalStatusCode = approval;
			report.paymentStatusCode = payment;
			if (approval !== 'A_NOTF') report.submitDate = modified - 2 * 24 * 3600 * 1000;
			if (approval === 'A_RESU') report.everSentBack = true;
			if (payment === 'P_PAID') {
				report.processingPaymentDate = modified - 24 * 3600 * 1000;
				report.paidDate = modified;
			}
			if (approval === 'A_EXTV') {
				// Reports waiting for external validation alternate between a clean one (approve path)
				// and one whose biggest receipt-required entry lacks its receipt (exception/send-back path).
				extvSeen++;
				for (const e of report.entries) e.receiptReceived = true;
				if (extvSeen % 2 === 0) {
					const biggest = report.entries.reduce((a, b) => (b.amount > a.amount ? b : a));
					biggest.receiptRequired = true;
					biggest.receiptReceived = false;
				}
			}
			report.lastModified = modified;
			this.insert(report);
			ids.push(report.id);
		}
		return ids;
	}

	private buildReport(owner: SimUser, created: number, overrides: Partial<SimReport> = {}, maxEntries = 4): SimReport {
		const rand = this.rand;
		const [city, country, currency] = CITIES[Math.floor(rand() * CITIES.length)];
		const purpose = PURPOSES[Math.floor(rand() * PURPOSES.length)];
		const entryCount = 1 + Math.floor(rand() * maxEntries);
		const entries: SimEntry[] = [];
		for (let e = 0; e < entryCount; e++) {
			const [code, typeName, vendors, [min, max]] = EXPENSE_TYPES[Math.floor(rand() * EXPENSE_TYPES.length)];
			const amount = Math.round((min + rand() * (max - min)) * 100) / 100;
			entries.push({
				rpeKey: makeLegacyKey(rand, 30),
				expenseTypeCode: code,
				expenseTypeName: typeName,
				transactionDate: new Date(created - e * 24 * 3600 * 1000).toISOString().slice(0, 10),
				amount,
				currency,
				vendor: vendors[Math.floor(rand() * vendors.length)],
				location: city,
				businessPurpose: purpose,
				receiptRequired: amount >= 75,
				// Roughly one entry in four lacks its receipt.
				receiptReceived: rand() > 0.25,
				isPersonal: false,
			});
		}
		let id = makeReportId(rand);
		while (this.byId.has(id)) id = makeReportId(rand);
		const report: SimReport = {
			id,
			rptKey: makeLegacyKey(rand),
			wfKey: '',
			name: `${purpose} ${city}`,
			purpose,
			currency,
			country,
			ownerUuid: owner.uuid,
			approverLoginId: 'manager@acme-sim.example',
			approvalStatusCode: 'A_NOTF',
			paymentStatusCode: 'P_NOTP',
			createDate: created,
			submitDate: null,
			processingPaymentDate: null,
			paidDate: null,
			lastModified: created,
			policyId: 'gWqbeQzH$sXyYd6dR3pa$p0$p2RqTNqG$s',
			everSentBack: false,
			entries,
			exceptions: [],
			comments: [],
			processId: makeReportId(rand) + makeReportId(rand).slice(0, 12),
			reportVersion: 1,
			...overrides,
		};
		this.newWorkflowKey(report);
		return report;
	}

	private newWorkflowKey(report: SimReport): void {
		let key = makeLegacyKey(this.rand, 48);
		while (this.wfKeys.has(key)) key = makeLegacyKey(this.rand, 48);
		report.wfKey = key;
		this.wfKeys.set(key, report.id);
	}

	private insert(report: SimReport): void {
		this.byId.set(report.id, report);
		this.byRptKey.set(report.rptKey, report);
		this.wfKeys.set(report.wfKey, report.id);
		this.sorted.push(report);
		this.sortedDirty = true;
		this.version++;
	}

	get reportCount(): number {
		return this.byId.size;
	}

	reportById(id: string): SimReport | undefined {
		return this.byId.get(id);
	}

	reportByRptKey(key: string): SimReport | undefined {
		return this.byRptKey.get(key);
	}

	/** Current report for a workflow key, plus whether the key is stale (the report moved on). */
	reportByWorkflowKey(key: string): { report: SimReport; stale: boolean } | undefined {
		const id = this.wfKeys.get(key) ?? this.byRptKey.get(key)?.id;
		const report = id ? this.byId.get(id) : undefined;
		if (!report) return undefined;
		return { report, stale: report.wfKey !== key && report.rptKey !== key };
	}

	/** All reports ordered by LastModifiedDate ascending, then ID (the v3 list order). */
	reportsInOrder(): SimReport[] {
		if (this.sortedDirty) {
			this.sorted.sort((a, b) => a.lastModified - b.lastModified || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
			this.sortedDirty = false;
		}
		return this.sorted;
	}

	/** A strictly increasing millisecond clock, so two changes never share a LastModifiedDate. */
	private stamp(): number {
		this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
		return this.lastStamp;
	}

	ownerOf(report: SimReport): SimUser {
		const owner = this.userByUuid(report.ownerUuid);
		if (!owner) throw new Error(`report ${report.id} has no owner`);
		return owner;
	}

	/** Creates a report (A_NOTF) and queues reportCreated. */
	createReport(input: { ownerLoginId?: string; name?: string; amount?: number; receipts?: boolean; queue?: boolean; maxEntries?: number } = {}): SimReport {
		const owner = this.userByLogin(input.ownerLoginId ?? 'alice@acme-sim.example');
		if (!owner) throw new TransitionError(`Unknown user ${input.ownerLoginId}`);
		const now = this.stamp();
		const report = this.buildReport(owner, now, {}, input.maxEntries);
		if (input.name) report.name = input.name;
		if (input.amount !== undefined) {
			report.entries = report.entries.slice(0, 1);
			report.entries[0].amount = input.amount;
			report.entries[0].receiptRequired = input.amount >= 75;
		}
		if (input.receipts !== undefined) for (const e of report.entries) e.receiptReceived = input.receipts;
		report.lastModified = now;
		this.insert(report);
		if (input.queue !== false) this.queueEvent('reportCreated', report, report.approvalStatusCode, report.paymentStatusCode, null);
		return report;
	}

	/**
	 * The report workflow. Returns the report after the change. Throws TransitionError when the
	 * report is not in a state that allows the action (the API layers turn that into their own
	 * error shapes).
	 */
	applyChange(reportId: string, action: ReportAction, options: { comment?: string; queue?: boolean; actingUserId?: string | null } = {}): SimReport {
		if (action === 'create') return this.createReport({ queue: options.queue });
		const report = this.byId.get(reportId);
		if (!report) throw new ReportNotFoundError(`Report ${reportId} not found`);
		const previousApproval = report.approvalStatusCode;
		const previousPayment = report.paymentStatusCode;
		let stepCode: string | null = null;
		let eventType = 'statusChanged';
		const now = this.stamp();
		switch (action) {
			case 'submit':
				if (previousApproval !== 'A_NOTF' && previousApproval !== 'A_RESU')
					throw new TransitionError(`Report ${report.id} cannot be submitted from ${previousApproval}`);
				report.submitDate = now;
				if (this.externalValidation) {
					report.approvalStatusCode = 'A_EXTV';
					stepCode = 'EXTVAL';
				} else {
					report.approvalStatusCode = 'A_PEND';
					stepCode = 'MANAGER';
				}
				break;
			case 'approve':
				if (previousApproval === 'A_EXTV') {
					report.approvalStatusCode = 'A_PEND';
					stepCode = 'MANAGER';
				} else if (previousApproval === 'A_PEND') {
					report.approvalStatusCode = 'A_APPR';
					stepCode = 'APPROVED';
				} else throw new TransitionError(`Report ${report.id} cannot be approved from ${previousApproval}`);
				break;
			case 'sendBack':
				if (previousApproval !== 'A_EXTV' && previousApproval !== 'A_PEND')
					throw new TransitionError(`Report ${report.id} cannot be sent back from ${previousApproval}`);
				if (!options.comment?.trim()) throw new TransitionError('A comment is required to send a report back');
				report.approvalStatusCode = 'A_RESU';
				report.everSentBack = true;
				stepCode = 'SENDBACK';
				break;
			case 'recall':
				if (previousApproval !== 'A_EXTV' && previousApproval !== 'A_PEND')
					throw new TransitionError(`Report ${report.id} cannot be recalled from ${previousApproval}`);
				report.approvalStatusCode = 'A_RESU';
				stepCode = 'RECALL';
				break;
			case 'pay':
				if (previousApproval !== 'A_APPR' || (previousPayment !== 'P_NOTP' && previousPayment !== 'P_PROC'))
					throw new TransitionError(`Report ${report.id} cannot be paid from ${previousApproval}/${previousPayment}`);
				report.paymentStatusCode = 'P_PAID';
				report.processingPaymentDate ??= now;
				report.paidDate = now;
				stepCode = 'PAIDREPORT';
				break;
			case 'touch':
				eventType = 'reportUpdated';
				report.purpose = report.purpose.replace(/ \(updated.*\)$/, '') + ` (updated ${new Date(now).toISOString()})`;
				break;
			default:
				throw new TransitionError(`Unknown action ${String(action)}`);
		}
		if (options.comment) report.comments.push(options.comment);
		report.lastModified = now;
		report.reportVersion++;
		this.sortedDirty = true;
		this.version++;
		if (eventType === 'statusChanged') this.newWorkflowKey(report);
		if (options.queue !== false) {
			this.queueEvent(eventType, report, previousApproval, previousPayment, stepCode, options.actingUserId ?? null);
			if (report.approvalStatusCode === 'A_EXTV' && previousApproval !== 'A_EXTV') this.queueCallout(report);
		}
		return report;
	}

	/**
	 * Gives reports a chosen LastModifiedDate, as Concur does when it indexes a change late or when
	 * several changes land in the same millisecond. Queues nothing: the change itself was already
	 * made (and its event queued) by the action that caused it.
	 */
	setLastModified(ids: string[], at: number): void {
		for (const id of ids) {
			const report = this.byId.get(id);
			if (!report) throw new TransitionError(`Unknown report ${id}`);
			report.lastModified = at;
		}
		this.sortedDirty = true;
		this.version++;
	}

	/** Adds an exception (v1.1 or v4). Returns false for an unknown exception code. */
	addException(report: SimReport, exception: SimException): boolean {
		if (!KNOWN_EXCEPTION_CODES.includes(exception.exceptionCode)) return false;
		report.exceptions.push(exception);
		report.lastModified = this.stamp();
		this.sortedDirty = true;
		this.version++;
		return true;
	}

	removeException(report: SimReport, code: string): boolean {
		const before = report.exceptions.length;
		report.exceptions = report.exceptions.filter((e) => e.exceptionCode !== code);
		if (report.exceptions.length === before) return false;
		report.lastModified = this.stamp();
		this.sortedDirty = true;
		this.version++;
		return true;
	}

	/**
	 * Bulk helper for benchmarks: creates `count` reports and applies `action` to each (default
	 * 'create' only). Events are queued only when queueEvents is true (100,000 events are heavy).
	 */
	bulk(count: number, action: 'create' | 'submit' = 'create', queueEvents = false): string[] {
		const ids: string[] = [];
		for (let i = 0; i < count; i++) {
			// One entry each keeps 100,000 reports light in memory.
			const report = this.createReport({ ownerLoginId: this.users[1 + (i % 3)].loginId, queue: queueEvents, maxEntries: 1 });
			if (action === 'submit') this.applyChange(report.id, 'submit', { queue: queueEvents });
			ids.push(report.id);
		}
		return ids;
	}

	// ---------------------------------------------------------------- events and callouts

	v4ReportHref(report: SimReport, context: 'TRAVELER' | 'MANAGER' | 'PROXY' = 'TRAVELER'): string {
		// Events point at the company's data center, like Concur's `facts.href`.
		return `${this.geoBaseUrl(this.companyHome)}/expensereports/v4/users/${report.ownerUuid}/context/${context}/reports/${report.id}`;
	}

	private queueEvent(
		eventType: string,
		report: SimReport,
		previousApproval: string,
		previousPayment: string,
		stepCode: string | null,
		actingUserId: string | null = null,
	): EssEvent {
		const facts: Record<string, unknown> = {
			currentApprovalStatus: report.approvalStatusCode,
			reportId: report.id,
			stepCode,
			lastModifiedDate: new Date(report.lastModified).toISOString(),
			userId: report.ownerUuid,
			reportType: 'Regular',
			previousPaymentStatus: previousPayment,
			companyId: this.companyUuid,
			processId: report.processId,
			currentPaymentStatus: report.paymentStatusCode,
			previousApprovalStatus: previousApproval,
			actingUserId,
			href: this.v4ReportHref(report),
		};
		if (report.approvalStatusCode === 'A_PEND' || report.approvalStatusCode === 'A_EXTV') {
			const manager = this.userByLogin('manager@acme-sim.example');
			facts.startingStep = {
				roleCode: report.approvalStatusCode === 'A_EXTV' ? 'EXTVAL' : 'MANAGER',
				stepInstances: [{ id: makeReportId(this.rand) + makeReportId(this.rand).slice(0, 12), assignedUserId: manager?.uuid ?? null }],
			};
		}
		const event: EssEvent = {
			id: randomUUID(),
			correlationId: randomUUID(),
			route: 'stable',
			eventType,
			topic: 'public.concur.expense.report',
			timeStamp: new Date().toISOString(),
			facts,
		};
		this.pendingEvents.push(event);
		this.allEvents.push(event);
		this.onQueued?.();
		return event;
	}

	queueCallout(report: SimReport, eventType = 'Report Entered Expense Report Workflow Step - EXTERNAL VALIDATION - SUBMIT'): LegacyCallout {
		const objectUri = `${LEGACY_HOST}/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`;
		const now = new Date();
		const eventDate = now.toISOString().slice(0, 10);
		const callout: LegacyCallout = {
			id: makeLegacyKey(this.rand, 34),
			reportId: report.id,
			rptKey: report.rptKey,
			eventType,
			objectType: 'EXPRPT',
			objectUri,
			eventDate,
			eventDateTime: now.toISOString().slice(0, 19),
			xml: [
				'<?xml version="1.0" encoding="UTF-8" ?>',
				'<Notification>',
				`    <EventType>${escapeText(eventType)}</EventType>`,
				'    <ObjectType>EXPRPT</ObjectType>',
				`    <ObjectURI>${escapeText(objectUri)}</ObjectURI>`,
				`    <EventDateTime>${eventDate}</EventDateTime>`,
				'    <Context/>',
				'</Notification>',
				'',
			].join('\n'),
		};
		this.pendingCallouts.push(callout);
		this.allCallouts.push(callout);
		this.onQueued?.();
		return callout;
	}

	/** A callout Concur could not deliver becomes a FAILED notification (Concur's Notification v1.0 API). */
	failCallout(callout: LegacyCallout): FailedNotification {
		const existing = this.notifications.find((n) => n.id === callout.id);
		if (existing) return existing;
		const notification: FailedNotification = {
			id: callout.id,
			context: null,
			eventDateTime: callout.eventDateTime,
			eventType: callout.eventType,
			objectType: callout.objectType,
			objectUri: callout.objectUri,
		};
		this.notifications.push(notification);
		return notification;
	}
}

function escapeText(value: string): string {
	return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function uuidFrom(rand: () => number): string {
	const hex = Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(rand() * 16)]);
	hex[12] = '4';
	hex[16] = '89ab'[Math.floor(rand() * 4)];
	const s = hex.join('');
	return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
