// A lab asked for something it does not have (an unknown model, fault or
// device in --mix or --faults): the caller's input is wrong, not the lab.
export class LabSpecError extends Error {}
