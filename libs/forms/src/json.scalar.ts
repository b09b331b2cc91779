import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, literal(field.value)]));
    default:
      throw new TypeError(`JSON cannot represent a ${node.kind}`);
  }
}

/** Form definitions, answers and posted values: structured data the services validate themselves. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'A JSON value. Form definitions and answers; every value a client sends is validated by the service that receives it.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literal,
});
