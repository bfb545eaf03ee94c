import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { GLZ_TOKEN_HOST } from '../nodes/Concur/transport/hosts';
import { routeConcurRequest } from '../nodes/Concur/transport/routing';
import { fetchConcurTokenShared } from '../nodes/Concur/transport/sharedGrants';

/**
 * Outbound Concur credential. Concur's password grant (company request token or user) and
 * refresh-only grants don't fit n8n's oAuth2Api, so the token is a hidden expirable field that
 * `preAuthentication` fills; n8n persists every key it returns, which is how the rotated
 * refresh token and the geolocation survive between executions.
 */
export class ConcurOAuth2Api implements ICredentialType {
	name = 'concurOAuth2Api';

	displayName = 'Concur OAuth2 API';

	icon: Icon = { light: 'file:../icons/concur.svg', dark: 'file:../icons/concur.dark.svg' };

	documentationUrl =
		'https://developer.concur.com/api-reference/authentication/apidoc.html';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{
					name: 'Client Credentials (App Token)',
					value: 'clientCredentials',
					description: 'App token for Event Subscription management; no company data',
				},
				{
					name: 'Company Request Token (App Center)',
					value: 'companyRequestToken',
					description: 'Company token from the request token App Center issued when the company connected the app',
				},
				{
					name: 'Refresh Token',
					value: 'refreshToken',
					description: 'A refresh token you already have; it is rotated and kept up to date',
				},
				{
					name: 'User Password',
					value: 'password',
					description: 'User token from a Concur username and password',
				},
			],
			default: 'companyRequestToken',
		},
		{
			displayName: 'Token Host',
			name: 'tokenHostUrl',
			type: 'options',
			description:
				'Where the first token is requested. Company tokens come from GLZ; API calls always go to the geolocation Concur returns with the token.',
			options: [
				{ name: 'APJ1', value: 'https://apj1.api.concursolutions.com' },
				{ name: 'Custom', value: 'custom' },
				{ name: 'EMEA', value: 'https://emea.api.concursolutions.com' },
				{ name: 'EMEA Implementation', value: 'https://emea-impl.api.concursolutions.com' },
				{ name: 'EU2', value: 'https://eu2.api.concursolutions.com' },
				{ name: 'GLZ (Global Landing Zone)', value: GLZ_TOKEN_HOST },
				{ name: 'US', value: 'https://us.api.concursolutions.com' },
				{ name: 'US Implementation', value: 'https://us-impl.api.concursolutions.com' },
				{ name: 'US2', value: 'https://us2.api.concursolutions.com' },
				{ name: 'USG (CCPS)', value: 'https://usg.api.concursolutions.com' },
			],
			default: GLZ_TOKEN_HOST,
		},
		{
			displayName: 'Custom Token Host',
			name: 'customTokenHostUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://us-impl.api.concursolutions.com',
			description: 'Base URL of the token host, without a path',
			displayOptions: { show: { tokenHostUrl: ['custom'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Company UUID',
			name: 'companyUuid',
			type: 'string',
			default: '',
			placeholder: 'e.g. 2d1a6f5c-0b8e-4c35-9f57-6b0e2f4a9c11',
			description: 'The ID App Center sent with the request token (the "id" parameter of its redirect)',
			displayOptions: { show: { grantType: ['companyRequestToken'] } },
		},
		{
			displayName: 'Request Token',
			name: 'requestToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The request token App Center issued (the "requestToken" parameter of its redirect). It can be exchanged for 24 hours; afterwards the rotated refresh token is used.',
			displayOptions: { show: { grantType: ['companyRequestToken'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			placeholder: 'e.g. name@example.com',
			displayOptions: { show: { grantType: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { grantType: ['password'] } },
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Concur rotates it on every refresh; the newest one is stored in this credential',
			displayOptions: { show: { grantType: ['refreshToken'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Rotated Refresh Token',
			name: 'rotatedRefreshToken',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Geolocation',
			name: 'geolocation',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Token Source',
			name: 'tokenSource',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Request Token Exchanged At',
			name: 'requestTokenExchangedAt',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const state = await fetchConcurTokenShared(
			async (options: IHttpRequestOptions) => await this.helpers.httpRequest(options),
			credentials,
		);
		return state as IDataObject;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return routeConcurRequest(credentials, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: '={{$credentials.grantType === "clientCredentials" ? "/events/v4/topics" : "/api/v3.0/expense/reports?limit=1"}}',
			headers: { Accept: 'application/json' },
		},
	};
}
