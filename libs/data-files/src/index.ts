// Data files: YAML validated against a schema at load, with problems that name the file, the line
// and the field (tenants/, national service definitions, force overlays).
export { parseYamlWithSchema, displayPath, type ParsedDataFile } from './yaml-data-file.js';
export { leafDifferences, type LeafDifference } from '@front-counter/public-kit';
