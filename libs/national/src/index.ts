// National programme team: operations across forces (suspend and reinstate now; onboarding and
// national service roll-outs build on it).
export { NationalForcesService, type ForceStatus } from './national-forces.service.js';
export { NationalResolver, ForceStatusModel } from './national.resolver.js';
export { NationalModule } from './national.module.js';
