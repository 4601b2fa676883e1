import { ContactLoad, pickSupportContact } from './contact-balancing';

const roster: ContactLoad[] = [
  { contactId: 'eu-1', name: 'Jonas Becker', region: 'EU', openCases: 2 },
  { contactId: 'eu-2', name: 'Amélie Laurent', region: 'EU', openCases: 2 },
  { contactId: 'eu-3', name: 'Sofia Rossi', region: 'EU', openCases: 1 },
  { contactId: 'jp-1', name: 'Haruto Sato', region: 'JP', openCases: 0 },
];

describe('pickSupportContact', () => {
  it('picks the contact of the region with the fewest open cases', () => {
    expect(pickSupportContact(roster, 'EU')?.contactId).toBe('eu-3');
  });

  it('never picks a contact of another region while the region has one, however loaded', () => {
    expect(pickSupportContact(roster, 'EU')?.region).toBe('EU');
  });

  it('breaks ties by name', () => {
    const tied = roster.filter((c) => c.contactId !== 'eu-3');
    expect(pickSupportContact(tied, 'EU')?.name).toBe('Amélie Laurent');
  });

  it('spreads consecutive cases over the roster', () => {
    const loads = roster.filter((c) => c.region === 'EU').map((c) => ({ ...c, openCases: 0 }));
    const picked: string[] = [];
    for (let i = 0; i < 6; i++) {
      const contact = pickSupportContact(loads, 'EU')!;
      contact.openCases++;
      picked.push(contact.contactId);
    }
    expect(picked.filter((id) => id === 'eu-1')).toHaveLength(2);
    expect(picked.filter((id) => id === 'eu-2')).toHaveLength(2);
    expect(picked.filter((id) => id === 'eu-3')).toHaveLength(2);
  });

  it('falls back to the least loaded contact anywhere when the region has no roster', () => {
    expect(pickSupportContact(roster, 'BR')?.contactId).toBe('jp-1');
  });

  it('returns nothing when the roster is empty', () => {
    expect(pickSupportContact([], 'EU')).toBeUndefined();
  });
});
