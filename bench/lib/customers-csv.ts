import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { random } from './segment-messages.ts';

const FIRST = ['Ada', 'Grace', 'Alan', 'Wei', 'Mei', 'Aroha', 'Tane', 'Lena', 'Jonas', 'Chloé', 'Hiro', 'Sofia'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Zhang',
  'Wang',
  'Ngata',
  'Walker',
  'Müller',
  'Martin',
  'Tanaka',
  'Rossi',
];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const CITIES = [
  ['Austin', 'US', 'America/Chicago'],
  ['Seattle', 'US', 'America/Los_Angeles'],
  ['Shanghai', 'CN', 'Asia/Shanghai'],
  ['Auckland', 'NZ', 'Pacific/Auckland'],
  ['Berlin', 'DE', 'Europe/Berlin'],
  ['Lyon', 'FR', 'Europe/Paris'],
] as const;
const US_AREAS = [212, 213, 312, 415, 512, 617, 646, 702, 713, 206];

/**
 * Writes a customers CSV as a CRM export looks: user_id, email, optional phone, name, plan, city,
 * country, timezone, signup date. Every row is a different customer; about 60% have a phone,
 * written nationally (the country column makes it readable) or in E.164.
 */
export async function writeCustomersCsv(file: string, rows: number): Promise<number> {
  const rand = random(42);
  const out = createWriteStream(file);
  out.write('user_id,email,phone,name,plan,city,country,timezone,signed_up_at\n');
  const day = Date.UTC(2024, 0, 1);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[Math.floor(rand() * LAST.length)] as string;
    const [city, country, zone] = CITIES[Math.floor(rand() * CITIES.length)] as (typeof CITIES)[number];
    const name = `${first} ${last}`;
    const email = `${first}.${last}.${i}@example.com`.toLowerCase();
    const signedUp = new Date(day + Math.floor(rand() * 600) * 86_400_000).toISOString().slice(0, 10);
    chunk += `crm-${i},${email},${rand() < 0.6 ? phoneFor(i, country) : ''},"${name}",${PLANS[i % PLANS.length]},${city},${country},${zone},${signedUp}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return out.bytesWritten;
}

/** A unique, valid-looking number per row: US numbers in national format, others in E.164. */
function phoneFor(i: number, country: string): string {
  const line = String(i % 10_000).padStart(4, '0');
  const exchange = 200 + (Math.floor(i / 10_000) % 800);
  const area = US_AREAS[Math.floor(i / 8_000_000) % US_AREAS.length];
  if (country === 'US') return `(${area}) ${exchange}-${line}`;
  if (country === 'CN') return `+86 139 ${String(i).padStart(8, '0').slice(-8)}`;
  return `+1 ${area} ${exchange} ${line}`;
}
