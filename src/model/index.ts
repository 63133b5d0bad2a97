// The bottom of the house: plain shared shapes every stage may import.
export type { TargetAddress, TargetEndpoint } from './address.js';
export { ADDRESS_FORMS, notAnAddress, isLocalAddress, isTargetAddress, parseTargetAddress, redactAddress, resolveEndpoint } from './address.js';
