import type { z } from 'zod';

/** One thing wrong with what an administrator sent, named by the field it is about (dotted path). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Zod's issues as field problems, under `prefix` (e.g. `branding`). */
export function zodProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(input)',
    message: issue.message,
  }));
}

/** Problems written "field: message" (the form compiler's and the tenant files' style). */
export function textProblems(problems: string[]): FieldProblem[] {
  return problems.map((problem) => {
    const at = problem.indexOf(': ');
    return at > 0 && !problem.slice(0, at).includes(' ') ? { field: problem.slice(0, at), message: problem.slice(at + 2) } : { field: '(input)', message: problem };
  });
}
