import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { invalidInput } from '../shared/errors.ts';

/** Files named on the command line: a missing or unreadable one is a message naming it, not a stack trace. */

const cannotRead = (file: string, why: string) => invalidInput(`cannot read ${file}: ${why}`);

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw cannotRead(file, (error as Error).message);
  }
}

/** For commands that stream a file: checked before the store is opened and anything is written. */
export function checkReadableFile(file: string): void {
  let isFile: boolean;
  try {
    accessSync(file, constants.R_OK);
    isFile = statSync(file).isFile();
  } catch (error) {
    throw cannotRead(file, (error as Error).message);
  }
  if (!isFile) throw cannotRead(file, 'not a file');
}
