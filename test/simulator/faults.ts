// Fault injection: status faults (429 with Retry-After, 500, 503...), added latency and requests
// that never get an answer. Admin paths (/_sim/) are never affected. A status fault or time-out
// without a path prefix hits the API calls, not the token endpoint: "throttle the next two API
// calls" must not be spent on a token request. Pass pathPrefix '/oauth2' to fault token requests.

export interface StatusFault {
	status: number;
	/** How many matching requests get the fault (default 1). Infinity = until cleared. */
	count?: number;
	/** Only requests whose raw path starts with this prefix (default: every Concur API path except the token endpoint). */
	pathPrefix?: string;
	/** Retry-After header value for 429/503 (default '0' for 429, none otherwise). */
	retryAfter?: string | number;
}

interface ActiveStatusFault extends StatusFault {
	remaining: number;
}

/** The OAuth2 token endpoint, which a fault reaches only when its pathPrefix names it. */
export const TOKEN_PATH_PREFIX = '/oauth2/';

/** Whether a fault with `pathPrefix` applies to a request for `path`. */
export function faultMatches(path: string, pathPrefix?: string): boolean {
	return pathPrefix ? path.startsWith(pathPrefix) : !path.startsWith(TOKEN_PATH_PREFIX);
}

export class Faults {
	private statusFaults: ActiveStatusFault[] = [];
	private hangs: Array<{ remaining: number; pathPrefix?: string }> = [];
	latencyMs = 0;
	/** How many faults have been served, for assertions. */
	served = { status: 0, hang: 0 };

	inject(fault: StatusFault): void {
		if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599) throw new Error(`Bad fault status ${fault.status}`);
		this.statusFaults.push({ ...fault, remaining: fault.count ?? 1 });
	}

	latency(ms: number): void {
		this.latencyMs = Math.max(0, ms);
	}

	/** The next `count` matching requests (default: API calls, not token requests) are read but never answered (the socket stays open until close()). */
	timeout(count = 1, pathPrefix?: string): void {
		this.hangs.push({ remaining: count, pathPrefix });
	}

	clear(): void {
		this.statusFaults = [];
		this.hangs = [];
		this.latencyMs = 0;
	}

	/** Consumes and returns the status fault for this path, if any. */
	takeStatus(path: string): ActiveStatusFault | undefined {
		const fault = this.statusFaults.find((f) => f.remaining > 0 && faultMatches(path, f.pathPrefix));
		if (!fault) return undefined;
		fault.remaining--;
		this.statusFaults = this.statusFaults.filter((f) => f.remaining > 0);
		this.served.status++;
		return fault;
	}

	takeHang(path: string): boolean {
		const hang = this.hangs.find((h) => h.remaining > 0 && faultMatches(path, h.pathPrefix));
		if (!hang) return false;
		hang.remaining--;
		this.hangs = this.hangs.filter((h) => h.remaining > 0);
		this.served.hang++;
		return true;
	}

	describe() {
		return {
			latencyMs: this.latencyMs,
			statusFaults: this.statusFaults.map((f) => ({ status: f.status, remaining: f.remaining, pathPrefix: f.pathPrefix ?? null, retryAfter: f.retryAfter ?? null })),
			timeouts: this.hangs.map((h) => ({ remaining: h.remaining, pathPrefix: h.pathPrefix ?? null })),
			served: { ...this.served },
		};
	}
}
