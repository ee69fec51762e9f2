import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { journeyStats } from '../journeys/runtime/journey-stats.ts';
import type { Clock } from '../shared/clock.ts';
import { parseInput } from '../shared/validation.ts';
import type { Store } from '../storage/store.ts';
import { workspaceOfSecret } from '../workspaces/bearer-auth.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';

/** `GET /v1/overview`: the aggregates behind the console's overview charts, over the last `days` days. */

const overviewQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(14) });
const DAY_MS = 86_400_000;

export function registerOverviewRoutes(
  app: FastifyInstance,
  deps: { store: Store; workspaces: WorkspaceService; clock: Clock },
): void {
  app.get('/v1/overview', async (request) => {
    const workspaceId = await workspaceOfSecret(deps.workspaces, request);
    const { days } = parseInput(overviewQuery, request.query, 'query');
    const now = deps.clock.now();
    const since = Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
    const { overview, journeys } = deps.store;
    const [activity, messages, deliveryEvents, journeyList, customers] = await Promise.all([
      overview.dailyActivity(workspaceId, since),
      overview.messageCounts(workspaceId, since),
      overview.deliveryEventCounts(workspaceId, since),
      journeys.listJourneys(workspaceId),
      deps.store.countCustomers(workspaceId),
    ]);
    const journeyFigures = await Promise.all(
      journeyList.map(async (journey) => {
        const { runs } = journeyStats(await journeys.nodeCounts(workspaceId, journey.id));
        return {
          id: journey.id,
          name: journey.name,
          status: journey.status,
          started: runs.started,
          converted: runs.converted,
        };
      }),
    );
    return { since, days, customers, activity, messages, deliveryEvents, journeys: journeyFigures };
  });
}
