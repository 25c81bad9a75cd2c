import { mappingRows } from './mapping.ts';
import { planMigration, type MigrationOptions } from './plan.ts';
import { lambdaYaml, serviceYaml } from './render.ts';
import type { LambdaFacts, Migration } from './types.ts';

export { functionsFolder, serviceNameFor, type MigrationOptions } from './plan.ts';

/**
 * The desired state of `make init`: the service manifest (and the Lambda manifest) that carry a
 * function's settings over, the mapping applied, and what has no equivalent. Pure: the facts in,
 * text out.
 */
export function migrate(f: LambdaFacts, o: MigrationOptions): Migration {
  const plan = planMigration(f, o);
  return {
    serviceName: plan.name,
    serviceYaml: serviceYaml(f, plan, o),
    lambdaYaml: lambdaYaml(f, plan, o),
    mapping: mappingRows(f, plan, o),
    notes: plan.notes,
    secretSuggestions: plan.secretSuggestions,
  };
}
