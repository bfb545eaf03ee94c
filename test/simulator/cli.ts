// CLI for the Concur simulator: `npm run sim -- <command> [options]`.
// `serve` runs a simulator in this process; every other command drives a running simulator over
// its /_sim/ admin endpoints (found via --sim, $CONCUR_SIM_URL, or the file `serve` writes).
import { readAnnouncedSimulator, startSimulator } from './index';

const USAGE = `Concur simulator

  npm run sim -- serve [--port 8787] [--secondary-port 8788] [--reports 12] [--no-extval]
  npm run sim -- info
  npm run sim -- seed [--count 12] [--submit] [--queue-events]
  npm run sim -- create [--owner alice@acme-sim.example] [--amount 120.5] [--no-receipts]
  npm run sim -- change <reportId> <submit|approve|sendback|pay|recall|touch> [--comment "text"]
                 (approve/sendback act as the step's approver: external validation at A_EXTV, the manager at A_PEND)
  npm run sim -- reports [--last 20]
  npm run sim -- events
  npm run sim -- send-events --url <webhook url> [--all]
  npm run sim -- send-callout --url <callout url> [--user u --password p] [--report <reportId>]
  npm run sim -- test-connection --url <host>/system/v1.0/testconnection [--user u --password p]
  npm run sim -- deliveries
  npm run sim -- auto-deliver [--events-url <url>] [--callout-url <url> [--user u --password p]] [--no-subscriptions] | --off
  npm run sim -- fault --status 429|500|503 [--count 1] [--path /api/v3.0] | --latency <ms> | --timeout <count> | --clear
                 (without --path: the next API calls, never a token request; --path /oauth2 for those)
  npm run sim -- tokens [--expire-all] [--expired-status 401|403] [--lifetime <seconds>]

Options for every command except serve: --sim <base url> (default: $CONCUR_SIM_URL or the last 'serve').`;

interface Parsed {
	positional: string[];
	flags: Record<string, string | true>;
}

export function parseArgs(argv: string[]): Parsed {
	const positional: string[] = [];
	const flags: Record<string, string | true> = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg.startsWith('--')) {
			const eq = arg.indexOf('=');
			if (eq > 0) flags[arg.slice(2, eq)] = arg.slice(eq + 1);
			else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[arg.slice(2)] = argv[++i];
			else flags[arg.slice(2)] = true;
		} else positional.push(arg);
	}
	return { positional, flags };
}

function flagString(flags: Parsed['flags'], name: string): string | undefined {
	const value = flags[name];
	return typeof value === 'string' ? value : undefined;
}

function flagNumber(flags: Parsed['flags'], name: string, fallback?: number): number | undefined {
	const value = flagString(flags, name);
	if (value === undefined) return fallback;
	const n = Number(value);
	if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
	return n;
}

/**
 * Where the running simulator is: --sim, $CONCUR_SIM_URL, the file a running `serve` (or
 * startSimulator({ announce: true })) wrote, else the default http://127.0.0.1:8787
 * ($CONCUR_SIM_PORT), which is where `npm run dev` starts it.
 */
function simUrl(flags: Parsed['flags']): string {
	const explicit = flagString(flags, 'sim') ?? process.env.CONCUR_SIM_URL;
	if (explicit) return explicit.replace(/\/+$/, '');
	const announced = readAnnouncedSimulator();
	if (announced) return announced;
	return `http://127.0.0.1:${process.env.CONCUR_SIM_PORT ?? 8787}`;
}

async function admin(flags: Parsed['flags'], method: string, adminPath: string, body?: unknown): Promise<unknown> {
	const base = simUrl(flags);
	let response: Response;
	try {
		response = await fetch(`${base}/_sim/${adminPath}`, {
			method,
			headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	} catch {
		throw new Error(`No simulator answers at ${base}: start one with \`npm run sim -- serve\`, or pass --sim <base url>`);
	}
	const text = await response.text();
	const parsed: unknown = text ? JSON.parse(text) : null;
	if (!response.ok) {
		const message = (parsed as { error?: { message?: string } } | null)?.error?.message ?? text;
		throw new Error(`Simulator answered ${response.status}: ${message}`);
	}
	return parsed;
}

function print(value: unknown): void {
	process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

async function serve(flags: Parsed['flags']): Promise<void> {
	const sim = await startSimulator({
		port: flagNumber(flags, 'port', 8787),
		secondaryPort: flagNumber(flags, 'secondary-port', 0),
		reports: flagNumber(flags, 'reports', 12),
		externalValidation: !flags['no-extval'],
		announce: true,
	});
	const s = sim.seed;
	const lines = [
		`Concur simulator listening on ${sim.baseUrl}  (second geolocation: ${sim.secondaryBaseUrl})`,
		'',
		`Token URL        ${sim.baseUrl}/oauth2/v0/token`,
		`Client ID        ${s.clientId}`,
		`Client secret    ${s.clientSecret}`,
		`Company UUID     ${s.companyUuid}`,
		`Request token    ${s.requestToken}`,
		`User / password  ${s.username} / ${s.password}`,
		`Remote user      ${s.remoteUsername} (lives on ${sim.secondaryBaseUrl})`,
		`Callout Basic    ${s.calloutUser} / ${s.calloutPassword}`,
		`Reports          ${s.reportIds.length} seeded, e.g. ${s.reportIds.slice(0, 3).join(', ')}`,
		'',
		'ESS signing public key (Concur-Signature):',
		sim.publicKeyPem.trim(),
		'',
		'These are simulator-only credentials. Press Ctrl+C to stop.',
	];
	process.stdout.write(lines.join('\n') + '\n');
	const stop = () => {
		void sim.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

export async function main(argv: string[]): Promise<void> {
	const { positional, flags } = parseArgs(argv);
	const [command, ...rest] = positional;
	switch (command) {
		case 'serve':
			return serve(flags);
		case 'info':
			return print(await admin(flags, 'GET', 'info'));
		case 'seed':
			return print(
				await admin(flags, 'POST', 'seed', { count: flagNumber(flags, 'count', 12), action: flags.submit ? 'submit' : undefined, changed: !!flags.submit, queueEvents: !!flags['queue-events'] }),
			);
		case 'create':
			return print(
				await admin(flags, 'POST', 'reports', {
					ownerLoginId: flagString(flags, 'owner'),
					amount: flagNumber(flags, 'amount'),
					receipts: flags['no-receipts'] ? false : undefined,
				}),
			);
		case 'change': {
			const [reportId, action] = rest;
			if (!reportId || !action) throw new Error('usage: change <reportId> <submit|approve|sendback|pay|recall|touch>');
			const report = (await admin(flags, 'POST', `reports/${encodeURIComponent(reportId)}/${action}`, { comment: flagString(flags, 'comment') })) as Record<string, unknown>;
			return print({ ID: report.ID, ApprovalStatusCode: report.ApprovalStatusCode, PaymentStatusCode: report.PaymentStatusCode, LastModifiedDate: report.LastModifiedDate });
		}
		case 'reports':
			return print(
				((await admin(flags, 'GET', `reports?last=${flagNumber(flags, 'last', 20)}`)) as Array<Record<string, unknown>>).map((r) => ({
					ID: r.ID,
					Name: r.Name,
					Owner: r.OwnerLoginID,
					Total: `${String(r.Total)} ${String(r.CurrencyCode)}`,
					ApprovalStatusCode: r.ApprovalStatusCode,
					PaymentStatusCode: r.PaymentStatusCode,
					LastModifiedDate: r.LastModifiedDate,
				})),
			);
		case 'events':
			return print(await admin(flags, 'GET', 'events'));
		case 'send-events': {
			const url = flagString(flags, 'url');
			if (!url) throw new Error('send-events needs --url <webhook url>');
			return print(await admin(flags, 'POST', 'send-events', { url, all: !!flags.all }));
		}
		case 'send-callout': {
			const url = flagString(flags, 'url');
			if (!url) throw new Error('send-callout needs --url <callout url>');
			const info = (await admin(flags, 'GET', 'info')) as { seed: { calloutUser: string; calloutPassword: string } };
			return print(
				await admin(flags, 'POST', 'send-callout', {
					url,
					user: flagString(flags, 'user') ?? info.seed.calloutUser,
					password: flagString(flags, 'password') ?? info.seed.calloutPassword,
					reportId: flagString(flags, 'report'),
				}),
			);
		}
		case 'test-connection': {
			const url = flagString(flags, 'url');
			if (!url) throw new Error('test-connection needs --url <host>/system/v1.0/testconnection');
			return print(await admin(flags, 'POST', 'test-connection', { url, user: flagString(flags, 'user'), password: flagString(flags, 'password') }));
		}
		case 'deliveries':
			return print(await admin(flags, 'GET', 'deliveries'));
		case 'auto-deliver':
			return print(
				await admin(
					flags,
					'POST',
					'auto-deliver',
					flags.off
						? { enabled: false }
						: {
								subscriptions: !flags['no-subscriptions'],
								eventsUrl: flagString(flags, 'events-url'),
								calloutUrl: flagString(flags, 'callout-url'),
								user: flagString(flags, 'user'),
								password: flagString(flags, 'password'),
							},
				),
			);
		case 'fault':
			if (flags.clear) {
				await admin(flags, 'DELETE', 'faults');
				return print(await admin(flags, 'GET', 'faults'));
			}
			return print(
				await admin(flags, 'POST', 'faults', {
					status: flagNumber(flags, 'status'),
					count: flagNumber(flags, 'count'),
					pathPrefix: flagString(flags, 'path'),
					latencyMs: flagNumber(flags, 'latency'),
					timeout: flagNumber(flags, 'timeout'),
				}),
			);
		case 'tokens':
			return print(
				await admin(flags, 'POST', 'tokens', {
					expireAll: !!flags['expire-all'],
					expiredStatus: flagNumber(flags, 'expired-status'),
					lifetimeSeconds: flagNumber(flags, 'lifetime'),
				}),
			);
		default:
			process.stdout.write(USAGE + '\n');
			if (command && command !== 'help') throw new Error(`Unknown command ${command}`);
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((error: Error) => {
		process.stderr.write(`${error.message}\n`);
		process.exit(1);
	});
}
