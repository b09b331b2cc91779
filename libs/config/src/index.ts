// Configuration: parsed and validated once at start-up into a typed object; a bad value stops the
// process with a message naming the variable.
export { loadConfig, loadConfigOrExit, ConfigError, weakSecretReason } from './config.js';
export type { AppConfig, DatabaseConfig, LoadConfigOptions, MetricsEndpoint, ProcessRole, RateLimitRule, RateLimitsConfig } from './config.js';
export { ConfigModule, APP_CONFIG } from './config.module.js';
export { freePort, listening, PortInUseError, portIsFree, StartupError, startupFailureMessage } from './startup.js';
