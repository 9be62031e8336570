// JUnit XML, as CI systems read it: one testcase per test, a failure for a
// lost test, an error when socklab itself could not run it, skipped when
// it was not run.
import type { SubmissionResult, Verdict } from '../results.js';
import { redact, type Audience } from './audience.js';

function esc(s: string): string {
  // XML 1.0 cannot carry most control characters at all: show them as \xNN.
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Which JUnit element a verdict becomes. */
const ELEMENT: Record<Verdict, 'failure' | 'error' | 'skipped' | undefined> = {
  passed: undefined,
  'wrong answer': 'failure',
  'runtime error': 'failure',
  'time limit exceeded': 'failure',
  'memory limit exceeded': 'failure',
  'output limit exceeded': 'failure',
  'socket limit exceeded': 'failure',
  'compile error': 'failure',
  'not run': 'skipped',
  'internal error': 'error',
};

export function junit(r: SubmissionResult, audience: Audience): string {
  const count = (el: string): number => r.tests.filter((t) => ELEMENT[t.verdict] === el).length;
  const secs = (ms: number): string => (ms / 1000).toFixed(3);
  const attrs = `tests="${r.tests.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${secs(r.timeMs)}"`;
  const cases = r.tests.map((t0) => {
    const t = redact(audience, t0);
    const el = ELEMENT[t.verdict];
    const props = `      <properties>\n        <property name="points" value="${t.points}"/>\n        <property name="score" value="${t.score}"/>\n        <property name="visibility" value="${t.visibility}"/>\n      </properties>\n`;
    const body = el ? `      <${el} message="${esc(t.verdict)}" type="${esc(t.verdict)}">${esc(t.output)}</${el}>\n` : '';
    return `    <testcase name="${esc(t.name)}" classname="${esc(r.submission)}" time="${secs(t.timeMs)}">\n${props}${body}    </testcase>\n`;
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(r.assignment)}" ${attrs}>\n` +
    `  <testsuite name="${esc(r.submission)}" ${attrs}>\n` +
    `    <properties>\n      <property name="score" value="${r.score}"/>\n      <property name="max_score" value="${r.maxScore}"/>\n      <property name="complete" value="${r.complete}"/>\n    </properties>\n` +
    (r.output ? `    <system-out>${esc(r.output)}</system-out>\n` : '') +
    cases.join('') +
    '  </testsuite>\n</testsuites>\n'
  );
}
