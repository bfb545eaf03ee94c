/**
 * The Concur node's parameters as n8n's editor shows them for given values, and n8n's wording
 * rules for them (shared by the per-resource description tests).
 */
import type { INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Concur } from '../../nodes/Concur/Concur.node';

const { description } = new Concur();

/** The top-level parameters n8n displays for these values. */
export function displayedParameters(values: INodeParameters): INodeProperties[] {
	return description.properties.filter((property) => NodeHelpers.displayParameter(values, property, null, description));
}

/** Their names, in order. */
export function displayedNames(values: INodeParameters): string[] {
	return displayedParameters(values).map((property) => property.name);
}

/**
 * n8n's wording rules, through collections: every parameter described (the text after `label.name: `
 * matches `describedAs`), booleans start with "Whether", choices are alphabetised, and (with
 * `placeholders`) a placeholder reads "e.g. …".
 */
export function expectN8nWording(
	label: string,
	properties: INodeProperties[],
	{ describedAs = /: [A-Z]\S/, placeholders = false }: { describedAs?: RegExp; placeholders?: boolean } = {},
): void {
	const check = (property: INodeProperties) => {
		// A collection ("Options", "Filters") is a container: its options carry the descriptions.
		if (property.type !== 'collection') expect(`${label}.${property.name}: ${property.description ?? ''}`).toMatch(describedAs);
		if (property.type === 'boolean') expect(property.description).toMatch(/^Whether /);
		if (property.type === 'options' || property.type === 'collection') {
			const optionNames = (property.options as Array<{ name?: string; displayName?: string }>).map((option) => option.name ?? option.displayName ?? '');
			expect(optionNames).toEqual([...optionNames].sort((a, b) => a.localeCompare(b)));
			if (property.type === 'collection') (property.options as INodeProperties[]).forEach(check);
		}
		if (placeholders && property.placeholder && property.type !== 'collection') expect(property.placeholder).toMatch(/^e\.g\. /);
	};
	properties.forEach(check);
}
