// National programme team: operations across forces (suspend and reinstate now; onboarding and
// national service roll-outs build on it).
export { NationalForcesService, type ForceStatus } from './national-forces.service.js';
export { NationalResolver, ForceStatusModel, OnboardingResultModel, NationalForceModel } from './national.resolver.js';
export { OnboardingService, type OnboardingRequest, type OnboardingOutcome } from './onboarding.service.js';
export { NationalModule } from './national.module.js';
