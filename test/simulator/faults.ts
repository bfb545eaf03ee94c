// Fault injection: status faults (429 with Retry-After, 500, 503...), added latency and requests
// that never get an answer. Admin paths (/_sim/) are never affected.

export interface StatusFault {
	status: number;
	/** How many matching requests get the fault (default 1). Infinity = until cleared. */
	count?: number;
	/** Only requests whose raw path starts with this prefix (default: every Concur path). */
	pathPrefix?: string;
	/** Retry-After header value for 429/503 (default '0' for 429, none otherwise). */
	retryAfter?: string | number;
}

interface ActiveStatusFault extends StatusFault {
	remaining: number;
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

	/** The next `count` matching requests are read but never answered (the socket stays open until close()). */
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
		const fault = this.statusFaults.find((f) => f.remaining > 0 && (!f.pathPrefix || path.startsWith(f.pathPrefix)));
		if (!fault) return undefined;
		fault.remaining--;
		this.statusFaults = this.statusFaults.filter((f) => f.remaining > 0);
		this.served.status++;
		return fault;
	}

	takeHang(path: string): boolean {
		const hang = this.hangs.find((h) => h.remaining > 0 && (!h.pathPrefix || path.startsWith(h.pathPrefix)));
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
