/**
 * What graphql-js says when it rejects a variable before execution (wrong type or enum value, an unknown
 * or missing input field), turned into our answer's terms: the field inside the input, as class-validator
 * errors name it (`members.0.role`, without the `input.` of the variable), and no suggestions.
 */

/** `input.members[0].role` → `members.0.role`; a variable other than `input` keeps its name. */
function dotted(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1').replace(/^input\./, '');
}

/** The field a graphql-js variable error is about, or undefined when the message names none. */
export function rejectedField(message: string): string | undefined {
  const variable = /^Variable "\$(\w+)"/.exec(message)?.[1];
  if (variable === undefined) return undefined;
  const at = /got invalid value .*? at "([^"]+)"/.exec(message)?.[1] ?? variable;
  const inner = /Field "(\w+)" (?:is not defined by type|of required type .* was not provided)/.exec(message)?.[1];
  const path = inner === undefined ? at : `${at}.${inner}`;
  return path === 'input' ? 'input' : dotted(path);
}

/** Names are not suggested to a caller ("Did you mean …?"): they would help guess the schema. */
export const withoutSuggestions = (message: string): string => message.replace(/\s*Did you mean [^?]*\?/g, '');
