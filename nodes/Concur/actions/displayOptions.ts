import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/**
 * Scopes an operation's parameters to its resource and operation, like n8n's
 * `updateDisplayOptions`, but with `resource` and `operation` FIRST in `show`. n8n evaluates
 * `show` keys in order and treats a parameter as displayed as soon as one of them is an
 * expression; with the resource checked first, an expression in a selector such as `by` cannot
 * make the parameters of other resources appear (and be required).
 */
export function scopeToOperation(displayOptions: IDisplayOptions, properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => {
		const own = property.displayOptions ?? {};
		const scoped: IDisplayOptions = { ...own, show: { ...displayOptions.show, ...own.show } };
		if (displayOptions.hide || own.hide) scoped.hide = { ...displayOptions.hide, ...own.hide };
		return { ...property, displayOptions: scoped };
	});
}
