/**
 * Who speaks for a child who cannot decide yet (SQL on the member aliased by `fm`): an adult parent or
 * other caregiver of the family — who consents for the child, and agrees to closing the family's plan.
 */
export const representsChildren = (fm: string) =>
  `(${fm}.role IN ('PARENT', 'OTHER_CAREGIVER') AND ${fm}.birth_date IS NOT NULL AND ${fm}.birth_date <= (current_date - interval '18 years')::date)`;
