import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';
import type { Overview } from './overview-page.tsx';

/** Recharts lives in this lazy chunk only. Each chart has a heading and an accessible summary. */

const COLORS = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#64748b'];

function Chart(props: { title: string; summary: string; children: React.ReactElement }) {
  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <div role="img" aria-label={props.summary} style={{ width: '100%', height: 240 }}>
        <ResponsiveContainer>{props.children}</ResponsiveContainer>
      </div>
    </figure>
  );
}

export default function OverviewCharts({ overview }: { overview: Overview }) {
  const { t, date, number, percent } = useI18n();
  // Statuses and channels are data keys as the API has them; the legend, axis and summary show them in words.
  const statusLabel = (status: string) => labelOf(t, 'messageStatus', status);
  const channelLabel = (channel: string | null) => (channel ? labelOf(t, 'channel', channel) : '—');
  const activity = overview.activity.map((d) => ({ ...d, label: date(d.day) }));
  const statuses = [...new Set(overview.messages.map((m) => m.status))];
  const byChannel = new Map<string, Record<string, number | string>>();
  for (const m of overview.messages) {
    const channel = channelLabel(m.channel);
    const row = byChannel.get(channel) ?? { channel };
    row[m.status] = m.count;
    byChannel.set(channel, row);
  }
  const d = overview.deliveryEvents;
  const sent = Math.max(d.sent ?? 0, d.delivered ?? 0);
  const delivered = d.delivered ?? 0;
  const rates = [
    { name: t('overview.deliveryRate'), value: sent ? delivered / sent : 0 },
    { name: t('overview.openRate'), value: delivered ? (d.opened ?? 0) / delivered : 0 },
    { name: t('overview.clickRate'), value: delivered ? (d.clicked ?? 0) / delivered : 0 },
  ];
  const conversions = overview.journeys.map((j) => ({
    name: j.name,
    value: j.started ? j.converted / j.started : 0,
  }));
  const totalEvents = overview.activity.reduce((sum, day) => sum + day.events, 0);
  return (
    <div className="charts">
      <Chart
        title={t('overview.activityChart')}
        summary={t('overview.activitySummary', { events: number(totalEvents), days: overview.days })}
      >
        <LineChart data={activity}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" />
          <YAxis allowDecimals={false} />
          <Tooltip formatter={(v) => number(Number(v))} />
          <Legend />
          <Line
            isAnimationActive={false}
            type="monotone"
            dataKey="events"
            name={t('overview.events')}
            stroke={COLORS[0]}
          />
          <Line
            isAnimationActive={false}
            type="monotone"
            dataKey="customers"
            name={t('overview.activeCustomers')}
            stroke={COLORS[1]}
          />
        </LineChart>
      </Chart>
      <Chart
        title={t('overview.messagesChart')}
        summary={
          overview.messages
            .map((m) => `${channelLabel(m.channel)} ${statusLabel(m.status)}: ${number(m.count)}`)
            .join(', ') || t('overview.none')
        }
      >
        <BarChart data={[...byChannel.values()]}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="channel" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          {statuses.map((status, i) => (
            <Bar
              isAnimationActive={false}
              key={status}
              dataKey={status}
              name={statusLabel(status)}
              stackId="s"
              fill={COLORS[i % COLORS.length]}
            />
          ))}
        </BarChart>
      </Chart>
      <Chart title={t('overview.ratesChart')} summary={rates.map((r) => `${r.name}: ${percent(r.value)}`).join(', ')}>
        <BarChart data={rates}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="name" />
          <YAxis domain={[0, 1]} tickFormatter={(v) => percent(Number(v))} />
          <Tooltip formatter={(v) => percent(Number(v))} />
          <Bar isAnimationActive={false} dataKey="value" name={t('overview.rate')} fill={COLORS[0]} />
        </BarChart>
      </Chart>
      <Chart
        title={t('overview.conversionsChart')}
        summary={conversions.map((c) => `${c.name}: ${percent(c.value)}`).join(', ') || t('overview.none')}
      >
        <BarChart data={conversions} layout="vertical">
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" domain={[0, 1]} tickFormatter={(v) => percent(Number(v))} />
          <YAxis type="category" dataKey="name" width={180} />
          <Tooltip formatter={(v) => percent(Number(v))} />
          <Bar isAnimationActive={false} dataKey="value" name={t('overview.conversion')} fill={COLORS[1]} />
        </BarChart>
      </Chart>
    </div>
  );
}
