/**
 * A guess at what a criterion that matched nothing meant (`peple` → `people`, `tag:mrt` → `tag:mart`),
 * from the values the project actually has for that method.
 */

import type { GraphNode } from '../node.js';
import { closestMatch } from './did-you-mean.js';
import type { SelectionCriteria } from './expression.js';

/** ` Did you mean 'tag:mart'?`, or an empty string when nothing is close. */
export function noMatchGuess(criteria: SelectionCriteria, members: readonly GraphNode[]): string {
  const candidates = candidateValues(criteria, members);
  if (candidates === undefined) return '';
  const bare = criteria.value.replace(/^\+|\+$/g, '');
  const guess = closestMatch(bare, [...candidates]);
  if (guess === undefined || guess === bare) return '';
  const prefix = criteria.raw.includes(':') ? `${[criteria.method, ...criteria.methodArgs].join('.')}:` : '';
  return ` Did you mean '${prefix}${guess}'?`;
}

function candidateValues(criteria: SelectionCriteria, members: readonly GraphNode[]): Set<string> | undefined {
  switch (criteria.method) {
    case 'fqn':
      return new Set(members.filter((node) => node.resourceType !== 'test').flatMap((node) => [node.name, node.fqn.join('.')]));
    case 'tag':
      return new Set(members.flatMap((node) => node.tags));
    case 'source':
      return new Set(members.filter((node) => node.resourceType === 'source').flatMap((node) => [node.sourceName ?? '', `${node.sourceName}.${node.name}`]));
    case 'path':
    case 'file':
      return new Set(members.map((node) => node.originalFilePath));
    case 'package':
      return new Set(members.map((node) => node.packageName));
    case 'exposure':
      return new Set(members.filter((node) => node.resourceType === 'exposure').map((node) => node.name));
    case 'test_name':
      return new Set(members.filter((node) => node.resourceType === 'test').map((node) => node.name));
    default:
      return undefined;
  }
}
