/** TypeORM's postgres driver answers a raw UPDATE/DELETE with [rows, affectedCount]. */
export function affected(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}

/** The rows of a raw UPDATE ... RETURNING (see `affected`). */
export function returned<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : [];
}
