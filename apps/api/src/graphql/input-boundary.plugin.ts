import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type ArgumentNode, type DocumentNode, type ValueNode } from 'graphql';

/** Far deeper than any legitimate input (a national service definition is 9 levels deep). */
export const MAX_INPUT_DEPTH = 32;
/** Every value in all the variables of one request, counted; over ten times the largest national service definition (about 1,700). */
export const MAX_INPUT_VALUES = 20_000;

/** String.prototype.isWellFormed (Node 20; ES2024, newer than this project's TypeScript lib). */
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Why one piece of text cannot be accepted, or null. PostgreSQL cannot store either, and neither is text anyone typed. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'a NUL character (U+0000)';
  if (!isWellFormed(text)) return 'an unpaired surrogate (not valid Unicode)';
  return null;
}

/** A key safe to repeat in a message; anything else is shown as `…`. */
const pathSegment = (key: string) => (/^[A-Za-z0-9_-]{1,64}$/.test(key) ? key : '…');

interface Pending {
  value: unknown;
  path: string;
  depth: number;
}

/**
 * The first reason the request's variables cannot be accepted: text with a NUL or a lone surrogate
 * (in any value or key, however deep), nesting deeper than MAX_INPUT_DEPTH, or more than
 * MAX_INPUT_VALUES values in all. Walked without recursion, so no input can exhaust the stack.
 */
export function variablesProblem(variables: Record<string, unknown> | undefined): string | null {
  let values = 0;
  for (const [name, value] of Object.entries(variables ?? {})) {
    const variable = `Variable "$${pathSegment(name)}"`;
    const nameProblem = textProblem(name);
    if (nameProblem) return `A variable name contains ${nameProblem}, which is not allowed.`;
    const pending: Pending[] = [{ value, path: name, depth: 0 }];
    for (let item = pending.pop(); item; item = pending.pop()) {
      if (++values > MAX_INPUT_VALUES) return `The variables hold more than ${MAX_INPUT_VALUES} values; send less at once.`;
      const where = item.depth === 0 ? '' : ` at ${item.path}`;
      if (typeof item.value === 'string') {
        const problem = textProblem(item.value);
        if (problem) return `${variable} contains ${problem}${where}, which is not allowed.`;
        continue;
      }
      if (item.value === null || typeof item.value !== 'object') continue;
      if (item.depth >= MAX_INPUT_DEPTH) return `${variable} is nested more than ${MAX_INPUT_DEPTH} levels deep.`;
      if (Array.isArray(item.value)) {
        item.value.forEach((element, index) => pending.push({ value: element, path: `${item.path}[${index}]`, depth: item.depth + 1 }));
        continue;
      }
      for (const [key, element] of Object.entries(item.value)) {
        const keyProblem = textProblem(key);
        if (keyProblem) return `${variable} has a key that contains ${keyProblem}${where}, which is not allowed.`;
        pending.push({ value: element, path: `${item.path}.${pathSegment(key)}`, depth: item.depth + 1 });
      }
    }
  }
  return null;
}

/** The first text literal written in the document itself that cannot be accepted, or literal input nested too deeply. */
export function literalsProblem(document: DocumentNode): string | null {
  let problem: string | null = null;
  const check = (what: string, root: ValueNode) => {
    const pending: { node: ValueNode; depth: number }[] = [{ node: root, depth: 0 }];
    for (let item = pending.pop(); item && !problem; item = pending.pop()) {
      const { node, depth } = item;
      if (node.kind === Kind.STRING) {
        const text = textProblem(node.value);
        if (text) problem = `${what} contains ${text}, which is not allowed.`;
      } else if (node.kind === Kind.LIST || node.kind === Kind.OBJECT) {
        if (depth >= MAX_INPUT_DEPTH) problem = `${what} is nested more than ${MAX_INPUT_DEPTH} levels deep.`;
        else if (node.kind === Kind.LIST) pending.push(...node.values.map((value) => ({ node: value, depth: depth + 1 })));
        else pending.push(...node.fields.map((field) => ({ node: field.value, depth: depth + 1 })));
      }
    }
  };
  const checkArguments = (owner: string, args: readonly ArgumentNode[] | undefined) => {
    for (const argument of args ?? []) check(`Argument "${argument.name.value}" of ${owner}`, argument.value);
  };
  visit(document, {
    Field: (node) => checkArguments(`field "${node.name.value}"`, node.arguments),
    Directive: (node) => checkArguments(`directive "@${node.name.value}"`, node.arguments),
    VariableDefinition: (node) => {
      if (node.defaultValue) check(`The default value of "$${node.variable.name.value}"`, node.defaultValue);
    },
  });
  return problem;
}

function operationNotFound(operationName: string | undefined): GraphQLError {
  const message = operationName === undefined
    ? 'This document has several operations: name the one to run in operationName.'
    : /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(operationName)
      ? `Unknown operation named "${operationName}".`
      : 'operationName names no operation in this document.';
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
}

/**
 * The api's boundary for text and shape: an operation whose variables or literals hold text that
 * cannot be stored (a NUL, a lone surrogate) or input nested or sized beyond any form is refused with
 * BAD_USER_INPUT and 400 before any resolver runs, naming the variable or argument. An operationName
 * that names no operation is refused as OPERATION_RESOLUTION_FAILURE.
 */
export function inputBoundaryPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          // Decided here, first, so that no plugin works on an operation that does not exist.
          if (!operation) throw operationNotFound(request.operationName);
          const problem = variablesProblem(request.variables) ?? literalsProblem(document);
          if (problem) throw new GraphQLError(problem, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        },
      };
    },
  };
}
