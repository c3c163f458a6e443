import type { SelectionCriteria } from '../../../src/graph/select/expression.js';

/** A criterion with no graph operators, starting at offset 0, matching by fqn; tests spell out only what differs. */
export function criteria(raw: string, fields: Partial<SelectionCriteria> = {}): SelectionCriteria {
  return {
    kind: 'criteria',
    raw,
    offset: 0,
    method: 'fqn',
    methodArgs: [],
    value: raw,
    childrensParents: false,
    parents: false,
    parentsDepth: null,
    children: false,
    childrenDepth: null,
    ...fields,
  };
}
