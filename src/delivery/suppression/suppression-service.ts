import type { Clock } from '../../shared/clock.ts';
import { invalidInput, notFound } from '../../shared/errors.ts';
import { readPage } from '../../shared/page-cursor.ts';
import type { Store } from '../../storage/store.ts';
import type { SuppressionReason, SuppressionRecord } from '../../storage/suppression-store.ts';
import { CHANNELS } from '../channel-choice.ts';
import { suppressionAddress } from './suppression-address.ts';

/** Every channel with addresses (in-app messages go to a customer id, nothing to suppress). */
export const SUPPRESSIBLE_CHANNELS = CHANNELS.filter((c) => c !== 'in_app');

export interface SuppressionView {
  channel: string;
  address: string;
  reason: SuppressionReason;
  sourceMessage: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
}

/** The suppression list for the API and the CLI: list in pages, add by hand, remove. */
export class SuppressionService {
  constructor(private readonly options: { store: Store; clock: Clock; defaultCountry?: string }) {}

  async list(
    workspaceId: string,
    query: { channel?: string; limit: number; before?: string },
  ): Promise<{ suppressions: SuppressionView[]; next: string | null }> {
    const { shown, next } = await readPage(
      query.before,
      query.limit,
      (cursor, limit) => {
        // The key is "channel address": channels have no spaces, and one address may be on two channels.
        const [channel = '', ...address] = cursor?.key.split(' ') ?? [];
        const before = cursor && { createdAt: cursor.at, channel, address: address.join(' ') };
        return this.options.store.suppressions.list({ workspaceId, channel: query.channel, limit, before });
      },
      (row) => ({ at: row.createdAt, key: `${row.channel} ${row.address}` }),
    );
    return { suppressions: shown.map(viewOf), next };
  }

  /** Adds an address (`manual` unless a reason is given); an address already listed keeps its entry. */
  async add(
    workspaceId: string,
    input: { channel: string; address: string; reason?: SuppressionReason; note?: string },
  ): Promise<{ suppression: SuppressionView; added: boolean }> {
    const address = this.addressOf(input.channel, input.address);
    const record: SuppressionRecord = {
      workspaceId,
      channel: input.channel,
      address,
      reason: input.reason ?? 'manual',
      sourceMessage: null,
      detail: input.note ? { note: input.note } : {},
      createdAt: this.options.clock.now(),
    };
    const added = (await this.options.store.suppressions.add([record])) > 0;
    const [stored] = await this.options.store.suppressions.find(workspaceId, [{ channel: input.channel, address }]);
    return { suppression: viewOf(stored ?? record), added };
  }

  async remove(workspaceId: string, channel: string, rawAddress: string): Promise<void> {
    const address = this.addressOf(channel, rawAddress);
    if (!(await this.options.store.suppressions.remove(workspaceId, { channel, address }))) {
      throw notFound(`${address} is not on the ${channel} suppression list`);
    }
  }

  private addressOf(channel: string, raw: string): string {
    if (!(SUPPRESSIBLE_CHANNELS as readonly string[]).includes(channel)) {
      throw invalidInput(`channel: must be one of ${SUPPRESSIBLE_CHANNELS.join(', ')}`);
    }
    const address = suppressionAddress(channel, raw, this.options.defaultCountry);
    if (!address) throw invalidInput(`address: "${raw}" is not a valid ${channel} address`);
    return address;
  }
}

function viewOf(record: SuppressionRecord): SuppressionView {
  const { channel, address, reason, sourceMessage, detail, createdAt } = record;
  return { channel, address, reason, sourceMessage, detail, createdAt: new Date(createdAt).toISOString() };
}
