import { GodwitError } from '../shared/errors.ts';
import { type Flags, withGodwit, workspaceOf } from './commands.ts';

/** `godwit keys|workspaces|admin`: workspaces, their API keys and admin accounts. */

export const workspaceUsage = `  keys create --type write|secret     print a new API key
  workspaces create <name>            create a workspace with its first keys
  workspaces list                     every workspace: id, name, created
  admin reset-password <email>        a new random password for an admin who lost theirs (signs them out)`;

export async function createKey(flags: Flags): Promise<void> {
  const type = flags.type;
  if (type !== 'write' && type !== 'secret') throw new GodwitError('invalid_input', '--type must be write or secret');
  await withGodwit(async (godwit) => {
    const key = await godwit.workspaces.createKey(await workspaceOf(godwit, flags), type, 'created with the CLI');
    console.log(key);
  });
}

export async function createWorkspace(name: string): Promise<void> {
  await withGodwit(async (godwit) => {
    const created = await godwit.workspaces.createWorkspace(name);
    console.log(JSON.stringify(created, null, 2));
  });
}

export async function listWorkspaces(): Promise<void> {
  await withGodwit(async (godwit) => {
    const workspaces = await godwit.store.listWorkspaces();
    if (workspaces.length === 0) return void console.log('no workspace yet: run `godwit start` once to create one');
    const width = Math.max(...workspaces.map((w) => w.id.length));
    for (const w of workspaces) {
      const created = new Date(w.createdAt).toISOString().slice(0, 16).replace('T', ' ');
      console.log(`${w.id.padEnd(width)}  ${created}  ${w.name}`);
    }
  });
}

export async function resetAdminPassword(email: string, flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    const password = await godwit.workspaces.resetPassword(await workspaceOf(godwit, flags), email);
    console.log(`Admin sign-in:  ${email.trim().toLowerCase()} / ${password}`);
    process.stderr.write('A new password, shown once; the old one and its console sessions no longer work.\n');
  });
}
