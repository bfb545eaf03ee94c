/**
 * Node and credential types for the harness, loaded from this package's TypeScript sources in the
 * same list n8n reads: package.json `n8n.nodes` / `n8n.credentials` (dist/…js mapped to …ts).
 * Node types are registered the way n8n names an installed community package's nodes:
 * `n8n-nodes-concur.<description.name>`. Two tiny built-ins complete the set:
 * `n8n-nodes-base.manualTrigger` (feeds the items given in its `items` parameter) and
 * `n8n-nodes-base.noOp` (what n8n's credential tester runs).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';

export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-concur';

interface PackageManifest {
	n8n: { nodes: string[]; credentials: string[] };
}

function readManifest(): PackageManifest {
	return JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageManifest;
}

/** `dist/nodes/Concur/Concur.node.js` → `<root>/nodes/Concur/Concur.node.ts` */
function sourceOf(distPath: string): string {
	return path.join(PACKAGE_ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
}

function instantiateExports<T>(file: string, accept: (candidate: unknown) => candidate is T): T[] {
	const moduleExports = require(file) as Record<string, unknown>;
	const found: T[] = [];
	for (const exported of Object.values(moduleExports)) {
		if (typeof exported !== 'function') continue;
		try {
			const instance: unknown = new (exported as new () => unknown)();
			if (accept(instance)) found.push(instance);
		} catch {
			// not a zero-argument class: not a node or credential type
		}
	}
	return found;
}

const isCredentialType = (value: unknown): value is ICredentialType =>
	!!value && typeof value === 'object' && typeof (value as ICredentialType).name === 'string' &&
	Array.isArray((value as ICredentialType).properties);

const isNodeType = (value: unknown): value is INodeType | IVersionedNodeType =>
	!!value && typeof value === 'object' && typeof (value as INodeType).description === 'object';

/** The package's credential types, by name. */
export function loadPackageCredentialTypes(): Map<string, ICredentialType> {
	const types = new Map<string, ICredentialType>();
	for (const distPath of readManifest().n8n.credentials) {
		const file = sourceOf(distPath);
		if (!fs.existsSync(file)) continue; // listed but not written yet
		for (const type of instantiateExports(file, isCredentialType)) types.set(type.name, type);
	}
	return types;
}

/** Feeds the items of its `items` parameter (default: one empty item), like a manual trigger. */
export class HarnessManualTrigger implements INodeType {
	description = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow with the given items',
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json' as const, default: '[{}]' }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0, '[{}]') as string | IDataObject[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

/** n8n's No Operation node: passes items through (the credential tester's mock node type). */
export class HarnessNoOp implements INodeType {
	description = {
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	private readonly loadErrors = new Map<string, Error>();

	constructor() {
		this.register('n8n-nodes-base.manualTrigger', new HarnessManualTrigger());
		this.register('n8n-nodes-base.noOp', new HarnessNoOp());
		for (const distPath of readManifest().n8n.nodes) {
			const file = sourceOf(distPath);
			if (!fs.existsSync(file)) continue;
			try {
				for (const type of instantiateExports(file, isNodeType)) {
					this.register(`${PACKAGE_NAME}.${type.description.name}`, type);
				}
			} catch (error) {
				// Kept so that asking for this node explains why it is missing.
				this.loadErrors.set(path.basename(file), error as Error);
			}
		}
	}

	register(name: string, type: INodeType | IVersionedNodeType): void {
		this.types.set(name, type);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (type) return type;
		const errors = [...this.loadErrors].map(([file, error]) => `${file}: ${error.message}`).join('; ');
		throw new Error(`Unknown node type "${nodeType}"${errors ? ` (load errors: ${errors})` : ''}`);
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries([...this.types.keys()].map((name) => [name, { className: name, sourcePath: '' }]));
	}
}
