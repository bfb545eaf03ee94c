import type { IDataObject, INode } from 'n8n-workflow';

/** Text of a value that should be a string: '' for nothing, String() for the rest. */
export const asString = (value: unknown): string =>
	typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);

/** Whether a value is a plain JSON object (not null, not an array). */
export const isObject = (value: unknown): value is IDataObject =>
	value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value if it is a plain JSON object, else an empty one (Concur omits empty sub-objects). */
export const objectOf = (value: unknown): IDataObject => (isObject(value) ? value : {});

/** The key of one node's in-process state (dedupe store, poll guard): workflow id and node id. */
export const workflowNodeKey = (workflowId: string | undefined, node: INode): string =>
	`${workflowId ?? ''}:${node.id ?? node.name}`;
