// Who reads an output: Gradescope hides tests itself (by their visibility);
// the other formats and the terminal show only what the audience may see.
import type { TestResult } from '../results.js';
import type { Visibility } from '../spec.js';

export interface Audience {
  /** Visibilities besides "visible" whose names and feedback are shown. */
  reveal: ReadonlySet<Visibility>;
}

export const STUDENT: Audience = { reveal: new Set() };
export const INSTRUCTOR: Audience = { reveal: new Set(['hidden', 'after_due_date', 'after_published']) };

export function shows(a: Audience, t: TestResult): boolean {
  return t.visibility === 'visible' || a.reveal.has(t.visibility);
}

/** A test as an audience that may not see it: its points count, nothing else shows. */
export function redact(a: Audience, t: TestResult): TestResult {
  return shows(a, t) ? t : { ...t, name: `hidden test ${t.number}`, output: '', tags: [], description: undefined };
}
