// The readable summary: a line per test as it finishes, feedback under the
// failures the audience may see, the score at the end.
import type { SubmissionResult, TestResult } from '../results.js';
import { redact, shows, type Audience } from './audience.js';
import { summaryLine } from './gradescope.js';

const indent = (s: string, pad: string): string => s.split('\n').map((l) => (l ? pad + l : l)).join('\n');

export function testLine(t0: TestResult, audience: Audience): string {
  const t = redact(audience, t0);
  const mark = t.verdict === 'passed' ? 'PASS' : t.verdict === 'not run' ? 'SKIP' : 'FAIL';
  const tag = t.visibility === 'visible' ? '' : ` [${t.visibility.replaceAll('_', ' ')}]`;
  const name = `${t.number}. ${t.name}${tag}`;
  const head = `  ${mark}  ${name.padEnd(52)} ${`${t.score}/${t.points}`.padStart(7)}${t.verdict === 'passed' ? '' : `  ${t.verdict}`}`;
  return t.verdict !== 'passed' && t.output && shows(audience, t0) ? `${head}\n${indent(t.output, '        ')}` : head;
}

/** A writer that prints each newly finished test, then the total. */
export function terminalWriter(print: (s: string) => void, audience: Audience): (r: SubmissionResult) => void {
  let printed = 0;
  let headed = false;
  return (r) => {
    if (!headed) {
      print(`${r.assignment}: grading ${r.submission}\n`);
      headed = true;
    }
    const finished = r.complete ? r.tests.length : r.tests.filter((t) => t.verdict !== 'not run').length;
    for (; printed < finished; printed++) print(`${testLine(r.tests[printed]!, audience)}\n`);
    if (r.complete) {
      if (r.output) print(`\n${indent(r.output, '  ')}\n`);
      print(`\n  ${summaryLine(r)}  (${(r.timeMs / 1000).toFixed(1)} s)\n`);
    }
  };
}
