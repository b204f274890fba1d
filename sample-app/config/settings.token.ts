/** Injection token of the validated SampleSettings. */
export const SAMPLE_SETTINGS = Symbol('SAMPLE_SETTINGS');
