/** A support contact and how many open cases they hold right now. */
export interface ContactLoad {
  contactId: string;
  name: string;
  region: string;
  openCases: number;
}

/**
 * The contact who takes a new case: in the order's region, the one with the fewest open cases,
 * ties broken by name (then id) so the choice is deterministic. A region without a roster falls
 * back to the least loaded contact of any region: every customer gets a named person.
 */
export function pickSupportContact<T extends ContactLoad>(
  contacts: T[],
  region: string,
): T | undefined {
  const regional = contacts.filter((contact) => contact.region === region);
  const pool = regional.length > 0 ? regional : contacts;
  return [...pool].sort(
    (a, b) =>
      a.openCases - b.openCases ||
      a.name.localeCompare(b.name, 'en') ||
      a.contactId.localeCompare(b.contactId, 'en'),
  )[0];
}
