/**
 * The policy for optimistic retry loops, in one place. A use case reads, decides, and writes under a
 * condition; when another write changed what it read, it reads again. It makes at most `MAX_PASSES`
 * passes; when they run out it throws `ContentionError` (503 `contention` with Retry-After), never a
 * plain `Error` (a 500), an empty success (which would claim a change that did not happen), or a 409
 * (which tells the caller its request is wrong). Each of its passes was refused whole, so a repeat of
 * the request is safe.
 */
export const MAX_PASSES = 5;
