import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/config.ts';
import { GodwitError } from '../shared/errors.ts';
import { deleteCustomer, exportCustomer, importCommand, start } from './commands.ts';
import {
  applyJourneys,
  exportJourneys,
  installJourney,
  journeyApplyOptions,
  journeyApplyUsage,
  listJourneys,
} from './journey-apply-commands.ts';
import { journeyOptions, journeyUsage, simulateJourney, validateJourneyFile } from './journey-commands.ts';
import { listMessages, messageOptions, messageUsage, retryMessage, showMessage } from './message-commands.ts';
import { applyPolicy, policyOptions, policyUsage, showHoldoutLift, showPolicy } from './policy-commands.ts';
import { api, processOptions, processUsage, worker } from './process-commands.ts';
import {
  addSuppression,
  listSuppressions,
  removeSuppression,
  suppressionOptions,
  suppressionUsage,
} from './suppression-commands.ts';
import {
  applyTemplates,
  listTemplates,
  previewTemplateCommand,
  templateOptions,
  templateUsage,
} from './template-commands.ts';
import {
  createKey,
  createWorkspace,
  listWorkspaces,
  resetAdminPassword,
  workspaceUsage,
} from './workspace-commands.ts';

const usage = `Usage: godwit <command>

  start                               start Godwit (API and console) and keep running
${processUsage}
  import <file> [--type customers|events]
                                      import customers from CSV or Segment events from NDJSON
  export customer <id> [--out file]   everything stored about one customer, as JSON
  delete customer <id>                erase a customer and all their data
${workspaceUsage}
${journeyUsage}
${journeyApplyUsage}
${messageUsage}
${suppressionUsage}
${policyUsage}
${templateUsage}

Options: --workspace <id> (default: the first workspace), --by user_id|anonymous_id|email|phone|id
Configuration: PORT, HOST, GODWIT_DATA_DIR, DATABASE_URL, NATS_URL, GODWIT_PARTITIONS, GODWIT_ROLES,
GODWIT_CONCURRENCY (see README).`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      type: { type: 'string' },
      workspace: { type: 'string' },
      by: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...journeyOptions,
      ...journeyApplyOptions,
      ...messageOptions,
      ...suppressionOptions,
      ...templateOptions,
      ...processOptions,
      ...policyOptions,
    },
  });
  const [command, sub, arg] = positionals;
  const need = (value: string | undefined, what: string) => {
    if (!value) throw new GodwitError('invalid_input', `missing ${what}\n\n${usage}`);
    return value;
  };
  if (values.help || !command) return void console.log(usage);
  if (command === 'start') return start();
  if (command === 'api') return api();
  if (command === 'worker') return worker(values);
  if (command === 'import') return importCommand(need(sub, 'the file to import'), values);
  if (command === 'export' && sub === 'customer') return exportCustomer(need(arg, 'the customer id'), values);
  if (command === 'delete' && sub === 'customer') return deleteCustomer(need(arg, 'the customer id'), values);
  if (command === 'keys' && sub === 'create') return createKey(values);
  if (command === 'workspaces' && sub === 'create') return createWorkspace(need(arg, 'the workspace name'));
  if (command === 'workspaces' && sub === 'list') return listWorkspaces();
  if (command === 'admin' && sub === 'reset-password') return resetAdminPassword(need(arg, 'the admin email'), values);
  if (command === 'journeys' && sub === 'validate') return validateJourneyFile(need(arg, 'the journey file'));
  if (command === 'journeys' && sub === 'simulate') return simulateJourney(need(arg, 'a file or catalog id'), values);
  if (command === 'journeys' && sub === 'list') return listJourneys(values);
  if (command === 'journeys' && sub === 'apply') return applyJourneys(need(arg, 'the directory of journeys'), values);
  if (command === 'journeys' && sub === 'export') return exportJourneys(need(arg, 'the directory to write'), values);
  if (command === 'templates' && sub === 'list') return listTemplates(values);
  if (command === 'templates' && sub === 'apply')
    return applyTemplates(need(arg, 'the directory of templates'), values);
  if (command === 'templates' && sub === 'preview') return previewTemplateCommand(need(arg, 'the template id'), values);
  if (command === 'journeys' && sub === 'install') return installJourney(need(arg, 'the catalog journey id'), values);
  if (command === 'messages' && sub === 'retry') return retryMessage(need(arg, 'the message key'), values);
  if (command === 'messages' && sub === 'show') return showMessage(need(arg, 'the message key'), values);
  if (command === 'messages' && !sub) return listMessages(values);
  if (command === 'suppressions' && (sub === 'add' || sub === 'remove')) {
    const [channel, address] = [need(arg, 'the channel'), need(positionals[3], 'the address')];
    return sub === 'add' ? addSuppression(channel, address, values) : removeSuppression(channel, address, values);
  }
  if (command === 'suppressions' && !sub) return listSuppressions(values);
  if (command === 'policy' && sub === 'show') return showPolicy(values);
  if (command === 'policy' && sub === 'apply') return applyPolicy(need(arg, 'the policy file'), values);
  if (command === 'policy' && sub === 'lift') return showHoldoutLift(need(arg, 'the conversion event'), values);
  throw new GodwitError('invalid_input', `unknown command: ${positionals.join(' ')}\n\n${usage}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof GodwitError ||
    error instanceof ConfigError ||
    String((error as { code?: string })?.code).startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`godwit: ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`);
  process.exit(1);
});
