import type { Adapter, ExecuteOptions } from '../core/adapter-types.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { ModelNode } from '../compile/nodes.js';
import { contractMismatches, mismatchTable, type Contract } from '../materialize/contract.js';
import { describeSelect } from '../materialize/ddl-data.js';
import type { Column } from '../materialize/schema-change.js';

/**
 * Reads the columns the model's query returns (`DESCRIBE (query)`: nothing runs, nothing is
 * written) and compares them with the enforced contract. A mismatch is an error naming every
 * column, raised before the model's hooks or DDL touch the database. Returns the query's columns.
 */
export async function checkContract(
  adapter: Adapter,
  node: ModelNode,
  contract: Contract,
  sql: string,
  settings: ExecuteOptions['settings'],
): Promise<Column[]> {
  const rows = await adapter.query<{ name: string; type: string }>(describeSelect(sql), settings === undefined ? {} : { settings });
  const columns = rows.map((row) => ({ name: row.name, type: row.type }));
  const mismatches = contractMismatches(contract, columns);
  if (mismatches.length === 0) return columns;
  throw new TsdbtError({
    code: ErrorCodes.CONTRACT_MISMATCH,
    message: `Model '${node.name}' has an enforced contract that its query does not meet (nothing was built):\n${mismatchTable(mismatches).replace(/^/gm, '  ')}`,
    file: node.patchPath ?? node.originalFilePath,
    line: node.patchPath === undefined ? undefined : node.patchLine,
    hint: "Make the query return exactly the declared columns with the declared types (cast in the SELECT, e.g. toInt32(x) AS x), or change the contract's columns and data_type in YAML.",
  });
}
