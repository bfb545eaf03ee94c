/**
 * A token-endpoint failure with an actionable message. Deliberately has no `code`/`status`
 * properties: n8n's NodeApiError would otherwise replace the message with a generic one.
 */
export class ConcurTokenError extends Error {
	/** 'token': a grant failed; 'routing': a request was refused before anything was sent. */
	readonly stage: 'token' | 'routing';

	readonly concurCode?: number;

	readonly httpStatus?: number;

	readonly correlationId?: string;

	constructor(
		message: string,
		details: { concurCode?: number; httpStatus?: number; correlationId?: string; stage?: 'token' | 'routing' } = {},
	) {
		super(message);
		this.name = 'ConcurTokenError';
		this.stage = details.stage ?? 'token';
		this.concurCode = details.concurCode;
		this.httpStatus = details.httpStatus;
		this.correlationId = details.correlationId;
	}
}
