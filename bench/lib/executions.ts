/** Reading executions back from a real n8n's public API (counting, waiting for them to finish). */
import type { N8nExecution, N8nInstance } from '../../scripts/lib/n8n';

/** Every execution of a workflow, without data (cheap to page through thousands). */
export async function listExecutions(n8n: N8nInstance, workflowId: string, status?: string): Promise<N8nExecution[]> {
	const all: N8nExecution[] = [];
	let cursor: string | undefined;
	do {
		const qs = new URLSearchParams({ workflowId, includeData: 'false', limit: '250' });
		if (status) qs.set('status', status);
		if (cursor) qs.set('cursor', cursor);
		const page = await n8n.api<{ data: N8nExecution[]; nextCursor?: string | null }>('GET', `/executions?${qs}`);
		all.push(...page.data);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return all;
}

export async function countExecutions(n8n: N8nInstance, workflowId: string): Promise<number> {
	return (await listExecutions(n8n, workflowId)).length;
}

/**
 * Waits until the workflow has `expected` finished executions and none running, or until
 * nothing has changed for `quietMs` (then returns what is there: the caller compares).
 */
export async function waitForExecutions(
	n8n: N8nInstance,
	workflowId: string,
	expected: number,
	{ quietMs = 15_000, pollMs = 500 } = {},
): Promise<number> {
	let last = -1;
	let lastChange = Date.now();
	for (;;) {
		const all = await listExecutions(n8n, workflowId);
		const finished = all.filter((e) => e.finished || (e.status !== 'running' && e.status !== 'new' && e.status !== 'waiting')).length;
		if (finished >= expected && finished === all.length) return finished;
		if (finished !== last) {
			last = finished;
			lastChange = Date.now();
		} else if (Date.now() - lastChange > quietMs) {
			return finished;
		}
		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
}

/** Every execution of a workflow with its data, oldest first. */
export async function executionsWithData(n8n: N8nInstance, workflowId: string): Promise<N8nExecution[]> {
	const all: N8nExecution[] = [];
	let cursor: string | undefined;
	do {
		const qs = new URLSearchParams({ workflowId, includeData: 'true', limit: '250' });
		if (cursor) qs.set('cursor', cursor);
		const page = await n8n.api<{ data: N8nExecution[]; nextCursor?: string | null }>('GET', `/executions?${qs}`);
		all.push(...page.data);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return all.sort((a, b) => Number(a.id) - Number(b.id));
}

/** How often each value occurs. */
export function countBy<T>(values: T[]): Map<T, number> {
	const counts = new Map<T, number>();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return counts;
}
