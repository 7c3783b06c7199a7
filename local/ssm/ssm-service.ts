import { readFileSync } from 'node:fs';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../contracts';
import { AwsError } from '../gateway/protocols';

export type ParameterType = 'String' | 'StringList' | 'SecureString';

export interface Parameter {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  lastModified: Date;
  arn: string;
  description?: string;
}

/** A parameter file entry: a plain string, or a type with a value (a StringList may be a JSON list). */
export type ParameterFileEntry =
  | string
  | { type?: ParameterType; value: string | string[]; description?: string };

const TYPES = new Set<ParameterType>(['String', 'StringList', 'SecureString']);

export const parameterNotFound = (name: string) =>
  new AwsError('ParameterNotFound', `Parameter ${name} not found.`);

/** SSM Parameter Store in memory, filled from a local JSON file and by the sandbox itself. */
export class SsmService {
  private readonly parameters = new Map<string, Parameter>();

  /** Loads `{ "<name>": "value" | { "type": "StringList", "value": "a,b" } }`, overwriting what is there. */
  loadFile(path: string): void {
    let entries: unknown;
    try {
      entries = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read SSM parameters from ${path}: ${(error as Error).message}`);
    }
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      throw new Error(`${path} must hold a JSON object of parameter names to values`);
    }
    this.load(entries as Record<string, ParameterFileEntry>);
  }

  load(entries: Record<string, ParameterFileEntry>): void {
    for (const [name, entry] of Object.entries(entries)) {
      if (typeof entry === 'string') {
        this.put(name, entry);
      } else {
        const value = Array.isArray(entry.value) ? entry.value.join(',') : entry.value;
        this.put(name, value, { type: entry.type ?? 'String', description: entry.description });
      }
    }
  }

  /** Creates or overwrites a parameter; returns its new version. */
  put(
    name: string,
    value: string,
    options: { type?: ParameterType; overwrite?: boolean; description?: string } = {},
  ): number {
    checkName(name);
    if (typeof value !== 'string' || value.length === 0) {
      throw new AwsError('ValidationException', `The value of parameter ${name} must not be empty.`);
    }
    const existing = this.parameters.get(name);
    if (existing && options.overwrite === false) {
      throw new AwsError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    const type = options.type ?? existing?.type ?? 'String';
    if (!TYPES.has(type))
      throw new AwsError('UnsupportedParameterType', `Parameter type ${type} is not supported.`);
    const parameter: Parameter = {
      name,
      type,
      value,
      version: (existing?.version ?? 0) + 1,
      lastModified: new Date(),
      arn: `arn:aws:ssm:${LOCAL_REGION}:${LOCAL_ACCOUNT}:parameter/${name.replace(/^\//, '')}`,
      description: options.description ?? existing?.description,
    };
    this.parameters.set(name, parameter);
    return parameter.version;
  }

  get(name: string): Parameter | undefined {
    return this.parameters.get(name);
  }

  /** Parameters under `path` in name order: direct children, or every descendant when recursive. */
  getByPath(path: string, options: { recursive?: boolean } = {}): Parameter[] {
    if (!path.startsWith('/')) {
      throw new AwsError('ValidationException', `The parameter path ${path} must begin with a slash (/).`);
    }
    const prefix = path.endsWith('/') ? path : `${path}/`;
    return [...this.parameters.values()]
      .filter((parameter) => {
        if (!parameter.name.startsWith(prefix)) return false;
        return options.recursive || !parameter.name.slice(prefix.length).includes('/');
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  names(): string[] {
    return [...this.parameters.keys()].sort();
  }
}

function checkName(name: string): void {
  if (!/^[\w./-]{1,2048}$/.test(name) || /^\/?(aws|ssm)/i.test(name)) {
    throw new AwsError('ValidationException', `Parameter name ${name} is not valid.`);
  }
}
