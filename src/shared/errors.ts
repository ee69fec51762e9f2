/** The closed set of error codes Godwit returns; each maps to one HTTP status. */
export const errorStatus = {
  invalid_input: 400,
  too_large: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** An expected failure with a message written for the person who caused it. */
export class GodwitError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'GodwitError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export const invalidInput = (message: string, details?: unknown) => new GodwitError('invalid_input', message, details);
export const notFound = (message: string) => new GodwitError('not_found', message);
