// Configuration: parsed and validated once at start-up into a typed object; a bad value stops the
// process with a message naming the variable.
export { loadConfig, loadConfigOrExit, ConfigError } from './config.js';
export type { AppConfig, DatabaseConfig } from './config.js';
export { ConfigModule, APP_CONFIG } from './config.module.js';
