/** Bad usage or bad input: reported, nothing changed, exit 2. */
export class UsageError extends Error {}
