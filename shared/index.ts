export * from './errors';
export * from './events';
export * from './schemas/enums';
export * from './schemas/entities';
export * from './schemas/requests';
export * from './schemas/secretariat';
export * from './schemas/settings';
