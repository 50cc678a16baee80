/** A bad command line or input file: exit 2 with one line that names what is wrong. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
