/** Each bounded context extends this with its own code enum, e.g. `TenancyException`. */
export abstract class DomainException<Code extends string = string> extends Error {
  protected constructor(
    readonly code: Code,
    readonly publicMessage: string,
    /** HTTP status the code corresponds to, for REST routes and GraphQL `extensions.http`. */
    readonly status: number,
  ) {
    super(publicMessage);
    this.name = new.target.name;
  }
}
