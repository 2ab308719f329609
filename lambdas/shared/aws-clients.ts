/**
 * How every AWS SDK client of the handlers retries and times out.
 *
 * - Retries: the SDK's standard mode with 3 attempts (its defaults, stated here so that AWS_MAX_ATTEMPTS or
 *   AWS_RETRY_MODE in the environment cannot change them unseen). Throttling (ThrottlingException, Throttling,
 *   RequestLimitExceeded, TooManyRequestsException, ...), 5xx answers, timeouts and dropped connections are retried
 *   after a random backoff (up to 1 s, then 2 s, for throttling, in the SDK version the tests use; in Lambda the
 *   runtime's own SDK runs); other errors, such as AccessDenied, are not. When the attempts run out, the call throws
 *   the last error, and the handler fails with the step named.
 * - Timeouts: the SDK sets none, so a connection that hangs holds the call until Lambda's own timeout ends the run
 *   without its log line, with the request possibly still in flight. 3 s to connect and 10 s per request make such a
 *   call fail, be retried, and at worst fail the run with the step named, in about 30 s, within the functions'
 *   timeouts (50 s and 60 s).
 */
export const AWS_CLIENT_CONFIG = {
  maxAttempts: 3,
  retryMode: "standard",
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
} as const;
