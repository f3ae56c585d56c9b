export * from './version.js';
export * from './errors.js';
export * from './limits.js';
export * from './ids.js';
export * from './models.js';
export * from './messages.js';
export * from './events.js';
export * from './validation.js';
