import { Relation } from '../template/relation.js';
import type { RelationName } from './nodes.js';

/** A parent's relation in another environment (`--defer`), as the state manifest names it. */
export interface DeferredRelation extends RelationName {
  materialized: string | undefined;
}

/** The run-time switches that change what `ref()` and `source()` return. */
export interface RuntimeRelations {
  /** Unselected parents to read from the state's environment instead (by unique id). */
  deferTo?: ReadonlyMap<string, DeferredRelation> | undefined;
  /** `--empty`: every ref and source reads as zero rows. */
  emptyRefs?: boolean | undefined;
}

/** What `ref()`/`source()` return at run time: the live relation, the deferred one, either as an empty read. */
export function runtimeRelation(switches: RuntimeRelations, uniqueId: string | undefined, live: Relation): Relation {
  const deferred = uniqueId === undefined ? undefined : switches.deferTo?.get(uniqueId);
  const relation = deferred === undefined ? live : new Relation(deferred.schema, deferred.identifier, deferred.materialized ?? live.type);
  return switches.emptyRefs === true ? new EmptyRelation(relation.schema, relation.identifier, relation.type) : relation;
}

/**
 * `--empty`: prints as `(select * from db.t limit 0)`, so a model builds with its real
 * columns and types but no rows (dbt's `render_limited`). ClickHouse needs no alias on it.
 */
export class EmptyRelation extends Relation {
  override render(): string {
    return `(select * from ${super.render()} limit 0)`;
  }
}

/** A unit test's given rows standing in for a relation: prints as `(<select>)`, keeps the relation's names for macros. */
export class InputRelation extends Relation {
  constructor(
    schema: string,
    identifier: string,
    type: string,
    private readonly select: string,
  ) {
    super(schema, identifier, type);
  }

  override render(): string {
    return `(${this.select})`;
  }
}
