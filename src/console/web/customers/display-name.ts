import type { Profile } from '../api/types.ts';

/** The name a person would recognise: name traits, else email or phone, else the id. */
export function displayName(profile: Pick<Profile, 'id' | 'traits'>): string {
  const { name, first_name, firstName, last_name, lastName, email, phone } = profile.traits;
  const full = name ?? [first_name ?? firstName, last_name ?? lastName].filter(Boolean).join(' ');
  return String(full || email || phone || profile.id);
}
