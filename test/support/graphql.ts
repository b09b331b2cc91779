/** A GraphQL call to the api as the force site on `host` makes it (the api trusts loopback as its proxy). */
export async function graphqlAs<T = any>(apiUrl: string, host: string, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-host': host, 'x-forwarded-proto': 'http' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: response.status, ...body };
}
