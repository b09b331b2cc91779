import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { REPORT_DOCUMENT_SCHEMA_V1 } from './report-document.schema.js';

// ajv and ajv-formats are CommonJS: a default import from ESM is their module.exports, whose
// `default` is the plugin itself (the TypeScript types see only the latter).
const addFormats = formatsModule.default;

export type ReportDocumentValidation = { valid: true } | { valid: false; errors: string[] };

let validator: ValidateFunction | undefined;

/** The compiled schema, made on first use (strict: a mistake in the schema itself throws here). */
function compiled(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    addFormats(ajv, ['date', 'date-time', 'uri', 'uuid']);
    validator = ajv.compile(REPORT_DOCUMENT_SCHEMA_V1);
  }
  return validator;
}

/** One error as a sentence naming where it is: `/persons/0/roles/0: must be one of reporter, victim, ...`. */
function describe(error: ErrorObject): string {
  const where = error.instancePath || '(the document)';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${where}: "${String(params.missingProperty)}" is missing`;
    case 'additionalProperties':
      return `${where}: "${String(params.additionalProperty)}" is not a property the schema allows here`;
    case 'enum':
      return `${where}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')} (got ${JSON.stringify(error.data)})`;
    case 'const':
      return `${where}: must be ${JSON.stringify(params.allowedValue)} (got ${JSON.stringify(error.data)})`;
    case 'dependentRequired':
      return `${where}: "${String(params.missingProperty)}" is missing, and must go with "${String(params.property)}"`;
    default:
      return `${where}: ${error.message ?? error.keyword}${error.data !== undefined && typeof error.data !== 'object' ? ` (got ${JSON.stringify(error.data)})` : ''}`;
  }
}

/** Checks a document against REPORT_DOCUMENT_SCHEMA_V1; every problem is a readable message naming where it is. */
export function validateReportDocument(document: unknown): ReportDocumentValidation {
  const validate = compiled();
  if (validate(document)) return { valid: true };
  // A failed if/then/else adds an error of its own after the branch's: the branch's say what is wrong.
  const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'if');
  return { valid: false, errors: [...new Set(errors.map(describe))] };
}
