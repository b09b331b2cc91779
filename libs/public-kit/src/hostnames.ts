/** `Report.Northshire.example:443.` → `report.northshire.example`; undefined for anything that is not a host. */
export function normaliseHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  let value = host.trim().toLowerCase();
  if (value.startsWith('[')) return undefined; // IPv6 literal: never a force's site
  value = value.replace(/:\d+$/, '').replace(/\.$/, '');
  return /^[a-z0-9.-]{1,253}$/.test(value) ? value : undefined;
}

/** `northshire.localhost` → `northshire` (development only). */
export function localhostSlug(hostname: string): string | undefined {
  const match = /^([a-z][a-z0-9-]{1,39})\.localhost$/.exec(hostname);
  return match?.[1];
}
