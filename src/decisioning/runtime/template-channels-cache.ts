import type { Channel } from '../../delivery/channel-choice.ts';
import type { TemplateStore } from '../../storage/template-store.ts';
import { channelsWithContent, renderedTemplate } from '../../templates/template-catalog.ts';

/**
 * The channels each template has content for, as delivery will render it (the workspace's latest version, else the
 * catalog's), read from the store at most every `ttlMs`. `best` chooses only among these: a channel the template cannot
 * render would fail at delivery (`template promo has no in_app content`). A template found nowhere is left out of the
 * answer, so the choice is not narrowed and delivery reports it.
 */
export class TemplateChannelsCache {
  private readonly held = new Map<string, { channels: ReadonlySet<Channel> | undefined; at: number }>();

  constructor(
    private readonly store: TemplateStore,
    private readonly ttlMs = 5_000,
  ) {}

  async channelsOf(
    workspaceId: string,
    templateIds: readonly string[],
    now: number,
  ): Promise<Map<string, ReadonlySet<Channel>>> {
    const out = new Map<string, ReadonlySet<Channel>>();
    await Promise.all(
      [...new Set(templateIds)].map(async (id) => {
        const channels = await this.channelsOfOne(workspaceId, id, now);
        if (channels) out.set(id, channels);
      }),
    );
    return out;
  }

  private async channelsOfOne(workspaceId: string, id: string, now: number): Promise<ReadonlySet<Channel> | undefined> {
    const key = `${workspaceId}\u0000${id}`;
    const held = this.held.get(key);
    if (held && now - held.at < this.ttlMs && now >= held.at) return held.channels;
    const definition = await renderedTemplate(this.store, workspaceId, id);
    const channels = definition ? new Set(channelsWithContent(definition) as Channel[]) : undefined;
    this.held.set(key, { channels, at: now });
    return channels;
  }
}
