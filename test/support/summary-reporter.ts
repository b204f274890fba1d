import type { Reporter, TestModule } from 'vitest/node';

interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

function countTests(testModules: ReadonlyArray<TestModule>): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const testModule of testModules) {
    let moduleFailures = 0;
    for (const testCase of testModule.children.allTests()) {
      const { state } = testCase.result();
      if (state === 'pending') continue;
      counts[state] += 1;
      if (state === 'failed') moduleFailures += 1;
    }
    // A file that fails to load or fails in a hook outside any test has no failed test case; count it once.
    if (moduleFailures === 0 && testModule.state() === 'failed') counts.failed += 1;
  }
  return counts;
}

/** Prints `tests: N passed, N failed[, N skipped]` as the last line of the run. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const { passed, failed, skipped } = countTests(testModules);
    const line = `tests: ${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : '');
    process.stdout.write(`${line}\n`);
  }
}
