/**
 * The base of every error ecs-autopilot throws: a message that says what went wrong and what to do about it, and the
 * error behind it as `cause`. Subclasses set `name` themselves, so it survives minified bundles.
 */
export class AutopilotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AutopilotError';
  }
}

/** A setting a function cannot start without is missing or empty; the message names the environment variable to set. */
export class MissingSettingError extends AutopilotError {
  constructor(message: string) {
    super(message);
    this.name = 'MissingSettingError';
  }
}
