// The Concur simulator: a local stand-in for SAP Concur for tests, benchmarks and the dev
// playground. See README.md in this folder for the API and the documented behaviour.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Faults } from './faults';
import { Sender, type DeliveryResult, type SenderOptions } from './sender';
import { handleRequest, type LoggedRequest } from './server';
import { Tenant, type EssEvent, type Home, type LegacyCallout, type SimReport, type TenantOptions } from './state';
import { simulatorKeys, TokenAuthority } from './tokens';

export type { DeliveryAttempt, DeliveryResult } from './sender';
export type { EssEvent, LegacyCallout, SimReport, SimUser, FailedNotification, Subscription } from './state';
export type { LoggedRequest } from './server';
export { isRetryable, signBody, eventBody, testConnection } from './sender';
export { parseXml, type XmlElement } from './xml';
export { attendeesOf, entryByExpenseId, entryByKey, expenseIdOf, itemizationsOf, receiptImageIdOf } from './expenses';
export { entryImage, receiptsOf, reportImage, seededReceipt } from './receipts';
export { receiptJpeg, receiptPdf, receiptPng } from './receiptFiles';
export { travelRequestsOf, type SimTravelRequest } from './travelRequests';
export { listsOf, LIST_PAGE_SIZE, BULK_MAX, type ListStore, type SimList, type SimListItem } from './lists';
export { usersOf, type SimScimUser, type SimProvision } from './users';

export interface SimulatorOptions extends TenantOptions {
	/** Port of the primary geolocation (default 0 = any free port). Always bound to 127.0.0.1. */
	port?: number;
	/** Port of the second geolocation, where `remote@...` users live (default 0). */
	secondaryPort?: number;
	/** Sender tuning (backoff, attempts, concurrency, timeout). */
	sender?: Omit<SenderOptions, 'privateKeyPem'>;
	/**
	 * Whether to record this simulator's URL in $TMPDIR/concur-simulator.json (removed on close),
	 * so `npm run sim -- <command>` finds it without --sim. `npm run sim -- serve` does this.
	 */
	announce?: boolean;
}

/** The file through which the CLI finds a running simulator. */
export const ANNOUNCE_FILE = path.join(os.tmpdir(), 'concur-simulator.json');

/** Base URL of the simulator recorded in ANNOUNCE_FILE, if its process is still alive. */
export function readAnnouncedSimulator(): string | undefined {
	try {
		const state = JSON.parse(fs.readFileSync(ANNOUNCE_FILE, 'utf8')) as { baseUrl?: string; pid?: number };
		if (!state.baseUrl || !state.pid) return undefined;
		process.kill(state.pid, 0); // throws when that process is gone
		return state.baseUrl;
	} catch {
		return undefined;
	}
}

export interface AutoDelivery {
	/** Deliver ESS events to the subscriptions created through PUT /events/v4/subscriptions/webhook. */
	subscriptions?: boolean;
	/** Also deliver every ESS event to this URL. */
	eventsUrl?: string;
	/** Deliver legacy callouts to this URL with this Basic Auth pair. */
	callout?: { url: string; user: string; password: string };
}

export interface SimulatorSeed {
	clientId: string;
	clientSecret: string;
	/** Application id (the `sub` of client-credentials tokens and `applicationId` of subscriptions). */
	applicationId: string;
	companyUuid: string;
	/** App Center request token for the company grant (credtype=authtoken), valid 24 h, reusable. */
	requestToken: string;
	/** Password grant user (a Web Services Admin): username = loginId. */
	username: string;
	password: string;
	loginId: string;
	userId: string;
	/** A user who lives on the secondary geolocation (password grant on the primary → code 16). */
	remoteUsername: string;
	/** Basic Auth pair the simulator uses for legacy callouts unless told otherwise (10–50 chars each). */
	calloutUser: string;
	calloutPassword: string;
	/** Ids of the seeded reports, in creation order. */
	reportIds: string[];
	users: Array<{ loginId: string; password: string; userId: string; name: string; home: Home; admin: boolean }>;
}

const ALL_TOPICS = ['public.concur.expense.report', 'public.concur.request', 'public.test'];
const TOPIC_SCOPES: Record<string, string[]> = {
	'public.concur.expense.report': ['expense.report.read', 'expense.report.readwrite'],
	'public.concur.request': ['travelrequest.read', 'travelrequest.write'],
	'public.test': [],
};

export class ConcurSimulator {
	baseUrl = '';
	secondaryBaseUrl = '';
	readonly tenant: Tenant;
	readonly tokenAuthority: TokenAuthority;
	readonly faults = new Faults();
	readonly sender: Sender;
	/** Log of received Concur requests (admin /_sim/ calls excluded). Credentials are never logged. */
	readonly requests: LoggedRequest[] = [];
	/** Unexpected exceptions inside handlers (answered 500); tests can assert it stays empty. */
	readonly internalErrors: Error[] = [];
	/** Responses held open by the timeout fault; destroyed on close(). */
	readonly hungResponses = new Set<http.ServerResponse>();
	/** PEM public key that verifies `Concur-Signature` of delivered ESS events. */
	readonly publicKeyPem: string;
	/** PEM public key that verifies the RS256 access tokens. */
	readonly jwtPublicKeyPem: string;
	readonly seed: SimulatorSeed;
	clientDisabled = false;
	clientScopes = [
		'openid',
		'expense.report.read',
		'expense.report.readwrite',
		'expense.report.workflowstatus.write',
		'events.topic.read',
		'EXPRPT',
		'NOTIF',
		'user.read',
	];
	/** v3 list results per query, valid while tenant.version is unchanged (see server.ts v3Matches). */
	readonly v3QueryCache = new Map<string, { version: number; matches: SimReport[] }>();
	private readonly servers: http.Server[] = [];

	constructor(private readonly options: SimulatorOptions = {}) {
		const keys = simulatorKeys();
		this.publicKeyPem = keys.ess.publicKeyPem;
		this.jwtPublicKeyPem = keys.jwt.publicKeyPem;
		this.tenant = new Tenant((home) => this.geoBaseUrl(home), options);
		const applicationId = 'b1a2c3d4-0000-4000-8000-5e1f5ac0ffee';
		this.tokenAuthority = new TokenAuthority(keys.jwt.privateKeyPem, keys.jwt.publicKeyPem, applicationId);
		this.sender = new Sender({ privateKeyPem: keys.ess.privateKeyPem, ...options.sender });
		this.tenant.onQueued = () => this.scheduleAutoFlush();
		const admin = this.tenant.users[0];
		this.seed = {
			clientId: 'sim-client-0f3c9a7e',
			clientSecret: 'sim-secret-6b1d2e8f4a9c',
			applicationId,
			companyUuid: this.tenant.companyUuid,
			requestToken: this.tenant.requestToken,
			username: admin.loginId,
			password: admin.password,
			loginId: admin.loginId,
			userId: admin.uuid,
			remoteUsername: 'remote@acme-sim.example',
			calloutUser: 'concur-callout-user',
			calloutPassword: 'callout-Passw0rd-2026',
			reportIds: this.tenant.reportsInOrder().map((r) => r.id),
			users: this.tenant.users.map((u) => ({ loginId: u.loginId, password: u.password, userId: u.uuid, name: u.name, home: u.home, admin: u.admin })),
		};
	}

	/** Base URL of a geolocation: primary = baseUrl, secondary = secondaryBaseUrl. */
	geoBaseUrl(home: Home): string {
		return home === 'secondary' ? this.secondaryBaseUrl : this.baseUrl;
	}

	async listen(): Promise<this> {
		const listenOne = (port: number, geo: Home) =>
			new Promise<string>((resolve, reject) => {
				const server = http.createServer((req, res) => {
					void handleRequest(this, req, res, geo);
				});
				server.keepAliveTimeout = 1000;
				server.once('error', reject);
				server.listen(port, '127.0.0.1', () => {
					this.servers.push(server);
					resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
				});
			});
		this.baseUrl = await listenOne(this.options.port ?? 0, 'primary');
		this.secondaryBaseUrl = await listenOne(this.options.secondaryPort ?? 0, 'secondary');
		if (this.options.announce) fs.writeFileSync(ANNOUNCE_FILE, JSON.stringify({ baseUrl: this.baseUrl, pid: process.pid }), { mode: 0o600 });
		return this;
	}

	async close(): Promise<void> {
		this.autoDeliverySettings = undefined;
		if (this.options.announce && readAnnouncedSimulator() === this.baseUrl) fs.rmSync(ANNOUNCE_FILE, { force: true });
		this.sender.close();
		for (const res of this.hungResponses) res.destroy();
		this.hungResponses.clear();
		await Promise.all(
			this.servers.map(
				(server) =>
					new Promise<void>((resolve) => {
						server.close(() => resolve());
						server.closeAllConnections();
					}),
			),
		);
		this.servers.length = 0;
	}

	/** Topics an app token may see: `events.topic.read` alone gives an empty list (Concur's Event Subscription Service docs, subscriptions). */
	topicsFor(scopes: string[]): string[] {
		if (!scopes.includes('events.topic.read')) return [];
		return ALL_TOPICS.filter((topic) => TOPIC_SCOPES[topic].length === 0 || TOPIC_SCOPES[topic].some((s) => scopes.includes(s)));
	}

	// ------------------------------------------------------------------ controls

	/** Token controls: early expiry, 401 vs 403 for expired tokens, lifetime. */
	readonly tokens = {
		expireAll: (): void => this.tokenAuthority.expireAll(),
		setExpiredStatus: (status: 401 | 403): void => {
			this.tokenAuthority.settings.expiredStatus = status;
		},
		setLifetimeSeconds: (seconds: number): void => {
			if (!Number.isFinite(seconds) || seconds < 1) throw new Error('lifetime must be at least 1 second');
			this.tokenAuthority.settings.lifetimeSeconds = Math.floor(seconds);
		},
		revokeRefreshTokens: (): void => this.tokenAuthority.revokeRefreshTokens(),
		/** Whether this refresh token was valid once and has since been rotated away. */
		wasRotated: (refreshToken: string): boolean => this.tokenAuthority.wasRotated(refreshToken),
		describe: () => ({
			...this.tokenAuthority.settings,
			issuedAccessTokens: this.tokenAuthority.issuedAccessTokens,
			refreshes: this.tokenAuthority.refreshCount,
			activeRefreshTokens: this.tokenAuthority.activeRefreshTokens(),
		}),
	};

	/** Report controls. Each change updates LastModifiedDate and queues the ESS event (and the callout on entering A_EXTV). */
	readonly reports = {
		get: (id: string): SimReport | undefined => this.tenant.reportById(id),
		list: (): SimReport[] => [...this.tenant.reportsInOrder()],
		create: (input: { ownerLoginId?: string; name?: string; amount?: number; receipts?: boolean } = {}): SimReport => this.tenant.createReport(input),
		submit: (id: string): SimReport => this.tenant.applyChange(id, 'submit'),
		approve: (id: string, comment?: string): SimReport => this.tenant.applyChange(id, 'approve', { comment }),
		sendBack: (id: string, comment = 'Please fix and resubmit'): SimReport => this.tenant.applyChange(id, 'sendBack', { comment }),
		recall: (id: string): SimReport => this.tenant.applyChange(id, 'recall'),
		pay: (id: string): SimReport => this.tenant.applyChange(id, 'pay'),
		touch: (id: string): SimReport => this.tenant.applyChange(id, 'touch'),
		/** Backdates or aligns LastModifiedDate (late indexing, several changes in one millisecond). */
		setLastModified: (ids: string[], at: number): void => this.tenant.setLastModified(ids, at),
		/** Creates `count` reports quickly (optionally submitted); events only when queueEvents. Returns ids. */
		bulk: (count: number, action: 'create' | 'submit' = 'create', queueEvents = false): string[] => this.tenant.bulk(count, action, queueEvents),
	};

	/** Queued ESS events and legacy callouts. */
	readonly events = {
		pending: (): EssEvent[] => [...this.tenant.pendingEvents],
		all: (): EssEvent[] => [...this.tenant.allEvents],
		pendingCallouts: (): LegacyCallout[] => [...this.tenant.pendingCallouts],
		allCallouts: (): LegacyCallout[] => [...this.tenant.allCallouts],
		clear: (): void => {
			this.tenant.pendingEvents = [];
			this.tenant.pendingCallouts = [];
		},
	};

	/**
	 * Delivers ESS events to `url`: by default the pending ones (which leave the queue); `all`
	 * re-sends every event ever queued (redelivery), `eventIds` picks specific events.
	 */
	async sendEvents(url: string, options: { all?: boolean; eventIds?: string[] } = {}): Promise<DeliveryResult[]> {
		let events: EssEvent[];
		if (options.eventIds) events = this.tenant.allEvents.filter((e) => options.eventIds!.includes(e.id));
		else if (options.all) events = [...this.tenant.allEvents];
		else {
			events = this.tenant.pendingEvents;
			this.tenant.pendingEvents = [];
		}
		return this.sender.deliverEvents(url, events);
	}

	/** Delivers pending ESS events to every subscription whose topic and filter (regex on eventType) match. */
	async sendEventsToSubscriptions(): Promise<DeliveryResult[]> {
		const events = this.tenant.pendingEvents;
		this.tenant.pendingEvents = [];
		const results: DeliveryResult[] = [];
		for (const subscription of this.tenant.subscriptions) {
			let filter: RegExp;
			try {
				filter = new RegExp(`^(?:${subscription.filter})$`);
			} catch {
				continue;
			}
			const matching = events.filter((e) => e.topic === subscription.topic && filter.test(e.eventType));
			results.push(...(await this.sender.deliverEvents(subscription.webHookConfig.endpoint, matching)));
		}
		return results;
	}

	/**
	 * Delivers pending legacy callouts with Basic Auth (default: the seeded callout pair). With
	 * `reportId`, only that report's callouts, queuing a fresh one when none is pending. Callouts that
	 * cannot be delivered become FAILED notifications.
	 */
	async sendCallouts(
		url: string,
		auth: { user: string; password: string } = { user: this.seed.calloutUser, password: this.seed.calloutPassword },
		options: { reportId?: string } = {},
	): Promise<DeliveryResult[]> {
		let callouts: LegacyCallout[];
		if (options.reportId) {
			const report = this.tenant.reportById(options.reportId);
			if (!report) throw new Error(`Report ${options.reportId} not found`);
			callouts = this.tenant.pendingCallouts.filter((c) => c.reportId === report.id);
			if (callouts.length === 0) callouts = [this.tenant.queueCallout(report)];
			this.tenant.pendingCallouts = this.tenant.pendingCallouts.filter((c) => !callouts.includes(c));
		} else {
			callouts = this.tenant.pendingCallouts;
			this.tenant.pendingCallouts = [];
		}
		return this.sender.deliverCallouts(url, callouts, auth, (callout) => this.tenant.failCallout(callout));
	}

	private autoDeliverySettings: AutoDelivery | undefined;
	private autoFlushScheduled = false;

	/**
	 * Auto-delivery: after every change, queued ESS events go to the matching ESS subscriptions
	 * (and/or to `eventsUrl`) and queued callouts to `callout.url`, without an explicit send.
	 * The playground uses this so a report change reaches n8n by itself.
	 */
	readonly autoDelivery = {
		enable: (settings: AutoDelivery = { subscriptions: true }): void => {
			this.autoDeliverySettings = settings;
			this.scheduleAutoFlush();
		},
		disable: (): void => {
			this.autoDeliverySettings = undefined;
		},
		settings: (): AutoDelivery | undefined => this.autoDeliverySettings,
	};

	private scheduleAutoFlush(): void {
		if (!this.autoDeliverySettings || this.autoFlushScheduled) return;
		this.autoFlushScheduled = true;
		setImmediate(() => {
			this.autoFlushScheduled = false;
			const settings = this.autoDeliverySettings;
			if (!settings) return;
			// Delivery outcomes land in sender.attempts; failures here must not disturb the API.
			const deliveries: Array<Promise<unknown>> = [];
			if (this.tenant.pendingEvents.length) {
				if (settings.eventsUrl) {
					const events = this.tenant.pendingEvents;
					if (settings.subscriptions) deliveries.push(this.sendEventsToSubscriptions());
					else this.tenant.pendingEvents = [];
					deliveries.push(this.sender.deliverEvents(settings.eventsUrl, events));
				} else if (settings.subscriptions) deliveries.push(this.sendEventsToSubscriptions());
			}
			if (settings.callout && this.tenant.pendingCallouts.length)
				deliveries.push(this.sendCallouts(settings.callout.url, { user: settings.callout.user, password: settings.callout.password }));
			for (const delivery of deliveries) delivery.catch((error: Error) => this.internalErrors.push(error));
		});
	}

	/** What `serve` prints and GET /_sim/info returns. Contains the seeded (fake) credentials. */
	info() {
		return {
			baseUrl: this.baseUrl,
			secondaryBaseUrl: this.secondaryBaseUrl,
			tokenUrl: `${this.baseUrl}/oauth2/v0/token`,
			seed: { ...this.seed, reportIds: this.seed.reportIds },
			publicKeyPem: this.publicKeyPem,
			jwtPublicKeyPem: this.jwtPublicKeyPem,
			reports: this.tenant.reportCount,
			pendingEvents: this.tenant.pendingEvents.length,
			pendingCallouts: this.tenant.pendingCallouts.length,
		};
	}
}

/** Starts a simulator on 127.0.0.1 (primary and secondary geolocation). Call close() when done. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<ConcurSimulator> {
	return new ConcurSimulator(options).listen();
}
