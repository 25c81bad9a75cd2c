import { readFile } from 'node:fs/promises';
import { ToolError, UserError, message } from '../lib/errors.ts';
import { parseCfnYaml } from './cfn-yaml.ts';

export interface TemplateParameter {
  Type: string;
  Default?: string | number;
  AllowedValues?: Array<string | number>;
  MinValue?: number;
  MaxValue?: number;
  Description?: string;
}

export interface SamTemplate {
  Parameters?: Record<string, TemplateParameter>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown>; Condition?: string }>;
  Outputs?: Record<string, { Value: unknown }>;
}

export async function loadTemplate(file: string): Promise<SamTemplate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ToolError(message(`reading ${file}`, (err as Error).message, 'run from the project root (make deploy-lambda does)'), { cause: err });
  }
  const t = parseCfnYaml(text) as SamTemplate | null;
  if (!t || typeof t !== 'object' || !t.Resources) throw new ToolError(message(`parsing ${file}`, 'no Resources section', 'restore template.yaml from git'));
  return t;
}

/**
 * The manifest's parameters checked against the template's declarations, so a typo or an
 * out-of-range value stops the run before `sam` starts (CloudFormation would only say so minutes later).
 */
export function checkParameters(template: SamTemplate, parameters: Record<string, string>, source: string): void {
  const declared = template.Parameters ?? {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(parameters)) {
    const p = declared[name];
    if (!p) {
      problems.push(`parameter ${name} is not declared in template.yaml (it declares ${Object.keys(declared).join(', ')})`);
      continue;
    }
    if (p.AllowedValues && !p.AllowedValues.map(String).includes(value)) {
      problems.push(`parameter ${name}=${value} is not one of ${p.AllowedValues.join(', ')}`);
    }
    if (p.Type === 'Number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) problems.push(`parameter ${name}=${value} is not a number`);
      else if ((p.MinValue !== undefined && n < p.MinValue) || (p.MaxValue !== undefined && n > p.MaxValue)) {
        problems.push(`parameter ${name}=${value} is outside ${p.MinValue ?? '-∞'}..${p.MaxValue ?? '∞'}`);
      }
    }
  }
  if (problems.length) {
    throw new UserError(message(`${source}: template parameters`, problems.join('; '), 'fix the values under `parameters` in the manifest'));
  }
}

/** The value a parameter takes: the manifest's, else the template's default. */
export function effectiveParameter(template: SamTemplate, parameters: Record<string, string>, name: string): string | undefined {
  return parameters[name] ?? (template.Parameters?.[name]?.Default !== undefined ? String(template.Parameters[name].Default) : undefined);
}
