import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * SAP Concur's published public keys for the `Concur-Signature` header of Event Subscription
 * Service requests, verbatim from Concur's "Event Subscription Service v4" page: the current key
 * ("After October 22, 2025") first, then the previous one ("Before October 22, 2025"), so an
 * event signed with either verifies and a rotation needs no change.
 */
export const CONCUR_PUBLISHED_SIGNING_PEMS = [
	'-----BEGIN PUBLIC KEY-----',
	'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuE2x914aLmJa9GSzVVcT',
	'e6CEi3afbs84RIEhRoLO8oK2nBKKS0fyRfZtzUZIiD0kcjBjeLrMjJpC5oI6f709',
	'DpGQSgL1ytzP9dnIp/n1lcCk88NA+ihJlHwB6gNX6lMbftTbCpxvkY6PZmjZfnw/',
	'/Ito5iM2P2IY7oxK8GsYWXLnnMDw9ONnvxfPLoZLGxYXXs+zR2yGFiZ0wPRY6QJ+',
	'NT0xusN2nacPPwtgQQoD/oh7QMaBhXZ7WLSM0Gm68/c2lzMjQjtXgwAyy1+5h4EH',
	'YhasT+p98Q0P3LpMcX9wZN3hMqbhRiRaJAQffCdYgk2Kv6EjE2l88K8kXdsocIZc',
	'iQIDAQAB',
	'-----END PUBLIC KEY-----',
	'-----BEGIN PUBLIC KEY-----',
	'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2wJd8TVDGUxD00bCqemz',
	'cptSfm7VGNa8Bm2DIpmqobzN6jv/HNzI3HPjeqcP1GtA4vjoFkFRaW2Qs286cI7e',
	'9GcLbJP4mzww97LfbZYGTI+9SAlxDKEZl/AWbwTi6P8lOxho8fQ4Sv4eSK7hyL3l',
	'I82XdBYJ2JWRpEQ1hZOui1f0BlFyqFVrEbzolE6S0eeP3gb1szFELz8ES5T4/T0o',
	'Tz1KZE2knMsugAz760Mlmc7EuLutnNhfCZQypNUZ9fI2CMSZWHZa8IH9MCz/ywuE',
	'NYp3hlsu0Q+oYeAwpDKyoWNLcV8pKaStVnP+3yn+/J3/oK4Rtqz/lKRrepxwTVRA',
	'1wIDAQAB',
	'-----END PUBLIC KEY-----',
].join('\n');

/**
 * Inbound credential: the public keys that may sign ESS events. Nothing is sent to Concur with
 * it, so its test is local: the Concur Trigger's `concurEventSubscriptionApiTest` (referenced
 * with `testedBy`) parses every key.
 */
export class ConcurEventSubscriptionApi implements ICredentialType {
	name = 'concurEventSubscriptionApi';

	displayName = 'Concur Event Subscription API';

	icon = { light: 'file:../icons/concur.svg', dark: 'file:../icons/concur.dark.svg' } as const;

	documentationUrl = 'https://developer.concur.com/api-reference/ess/v4.event-subscription.html';

	properties: INodeProperties[] = [
		{
			displayName: 'Public Keys',
			name: 'publicKeys',
			type: 'string',
			typeOptions: { rows: 10 },
			default: CONCUR_PUBLISHED_SIGNING_PEMS,
			required: true,
			description:
				"One or more PEM public keys (-----BEGIN PUBLIC KEY----- blocks, one after the other) that may sign the Concur-Signature header: RSA keys of at least 2048 bits. The default holds Concur's current and previous published keys; when Concur announces a new key, add it here and keep the old one until the rotation is over.",
		},
	];
}
