/**
 * The address of a force's site for links sent outside a request (e-mail, back-office documents): its
 * primary domain over https; in development, its <slug>.localhost site on this machine.
 */
export function forceSiteUrl(config: { environment: string; tenants: { allowLocalhostSlugs: boolean }; web: { port: number } }, force: { slug: string; primaryDomain: string | null }): string {
  return config.environment === 'production' || !config.tenants.allowLocalhostSlugs ? `https://${force.primaryDomain ?? `${force.slug}.localhost`}` : `http://${force.slug}.localhost:${config.web.port}`;
}
