import { withheldParts, withholdFields } from '../src/policy/field-rights.js';

/** Field-level rights: declared once per subject (subjects.ts, `fieldRights`), applied by one function. */
describe('withholdFields', () => {
  const referral = () => ({ id: 'r', status: 'SENT', reason: 'why', declineReason: 'no', withdrawReason: null, outcomeNote: 'done' });

  it('empties the fields a right guards when the caller lacks it, and the parts that tell the same', () => {
    const read = withholdFields('Referral', referral(), () => false);
    expect(read).toEqual({ id: 'r', status: 'SENT', reason: null, declineReason: null, withdrawReason: null, outcomeNote: null });
    expect(withheldParts('Referral', read, 'transitions', [{ to: 'SENT', reason: 'why' }])).toEqual([{ to: 'SENT', reason: null }]);
    expect(withheldParts('Referral', read, 'handoverMeetings', [{ state: 'HELD', location: 'x', onlineUrl: 'y', note: 'z' }])).toEqual([
      { state: 'HELD', location: null, onlineUrl: null, note: null },
    ]);
  });

  it('leaves a record and its parts whole where the caller holds the right', () => {
    const read = withholdFields('Referral', referral(), (right) => right === 'readDetails' || right === 'readMeetingPlace');
    expect(read).toEqual(referral());
    expect(withheldParts('Referral', read, 'transitions', [{ reason: 'why' }])).toEqual([{ reason: 'why' }]);
  });

  it('the meeting place is a right of its own: held without the details (the bridge figure), the place stays and the rest goes', () => {
    const read = withholdFields('Referral', referral(), (right) => right === 'readMeetingPlace');
    expect(read).toEqual({ id: 'r', status: 'SENT', reason: null, declineReason: null, withdrawReason: null, outcomeNote: null });
    expect(withheldParts('Referral', read, 'handoverMeetings', [{ state: 'HELD', location: 'x', onlineUrl: 'y', note: 'z' }])).toEqual([
      { state: 'HELD', location: 'x', onlineUrl: 'y', note: null },
    ]);
  });

  it("a member's contact details are withheld unless read for readContact", () => {
    const member = { id: 'm', givenName: 'Lien', email: 'l@x', phone: '1', preferredLanguage: 'nl' };
    expect(withholdFields('FamilyMember', { ...member }, () => false)).toEqual({ ...member, email: null, phone: null, preferredLanguage: null });
    expect(withholdFields('FamilyMember', { ...member }, (right) => right === 'readContact')).toEqual(member);
  });

  it('a subject without field rights is left as it is', () => {
    const plan = { id: 'p', summary: 's' };
    expect(withholdFields('Plan', plan, () => false)).toBe(plan);
  });
});
