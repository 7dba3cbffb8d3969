// @ts-check
import { dirname, relative, resolve } from 'node:path';

/** EntityManager, Repository and QueryBuilder methods that write the table of the entity they are given. */
const WRITES = new Set(['insert', 'update', 'upsert', 'save', 'delete', 'softDelete', 'restore', 'remove', 'softRemove', 'increment', 'decrement', 'clear', 'into']);

/** The folder under src/ a path lies in (`src/consents/consent.entity.ts` → `consents`), or null. */
function moduleOf(path, cwd) {
  const [top, folder, ...rest] = relative(cwd, path).split(/[\\/]/);
  return top === 'src' && rest.length > 0 ? folder : null;
}

/**
 * One writer per table, as far as the entity classes show it: a write that names an entity (`em.insert(Consent, …)`,
 * `qb.insert().into(Goal)`) is made in the module that holds the entity. Another module calls the owner's
 * transaction-scoped method. Raw SQL writes are not seen here.
 */
export const ownEntityWrites = {
  meta: {
    type: 'problem',
    docs: { description: "A write naming an entity is made in the entity's own module (src/<module>/)." },
    messages: {
      foreign:
        "'{{entity}}' belongs to src/{{owner}}: write it through a transaction-scoped method of src/{{owner}}'s service, not from src/{{writer}}.",
    },
    schema: [],
  },
  create(context) {
    const writer = moduleOf(context.filename, context.cwd);
    if (writer === null) return {};
    return {
      CallExpression(node) {
        const { callee } = node;
        const [first] = node.arguments;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier' || !WRITES.has(callee.property.name)) return;
        if (first?.type !== 'Identifier') return;
        const variable = context.sourceCode.getScope(node).references.find((r) => r.identifier === first)?.resolved;
        const definition = variable?.defs[0];
        if (definition?.type !== 'ImportBinding' || definition.parent.type !== 'ImportDeclaration') return;
        const source = String(definition.parent.source.value);
        if (!source.startsWith('.') || !/\.entity\.js$/.test(source)) return;
        const owner = moduleOf(resolve(dirname(context.filename), source), context.cwd);
        if (owner !== null && owner !== writer) {
          context.report({ node: first, messageId: 'foreign', data: { entity: first.name, owner, writer } });
        }
      },
    };
  },
};
