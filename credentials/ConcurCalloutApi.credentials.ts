import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Inbound credential: the HTTP Basic Auth pair that Concur's legacy Event Notification callout
 * (application connector) presents to the Concur Trigger. Nothing is sent to Concur with it, so
 * its test is local: the Concur Trigger's `concurCalloutApiTest` (referenced with `testedBy`)
 * checks the lengths Concur enforces.
 */
export class ConcurCalloutApi implements ICredentialType {
	name = 'concurCalloutApi';

	displayName = 'Concur Callout API';

	icon = { light: 'file:../icons/concur.svg', dark: 'file:../icons/concur.dark.svg' } as const;

	documentationUrl =
		'https://developer.concur.com/api-reference/callouts/callouts-application-connectors.html';

	properties: INodeProperties[] = [
		{
			displayName:
				'Enter the same user name and password as in Concur under Administration > Web Services > Manage Application Connectors. Concur requires 10 to 50 characters for each.',
			name: 'calloutNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'User Name',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. concur-callout-user',
			description:
				"The application connector's User Name in Concur (10 to 50 characters) that Concur sends with each callout",
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The application connector's Password in Concur (10 to 50 characters) that Concur sends with each callout",
		},
	];
}
