import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { invalidInput } from '../shared/errors.ts';

/** The YAML and JSON files of a directory that `apply` commands read, in name order, as paths. */
export function definitionFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /\.(ya?ml|json)$/i.test(name));
  } catch (error) {
    throw invalidInput(`cannot read ${dir}: ${(error as Error).message}`);
  }
  if (names.length === 0) throw invalidInput(`${dir} has no .yaml, .yml or .json files`);
  return names.sort().map((name) => join(dir, name));
}
