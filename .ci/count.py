"""Print 'N passed, N failed, N skipped' from a subunit v2 stream on stdin."""

import sys

import subunit
import testtools


def main() -> int:
    counts = {'success': 0, 'fail': 0, 'skip': 0}
    failed = []

    def on_test(test):
        status = test['status']
        if status in ('success', 'xfail'):
            counts['success'] += 1
        elif status == 'skip':
            counts['skip'] += 1
        elif status in ('fail', 'uxsuccess'):
            counts['fail'] += 1
            failed.append(test['id'])

    case = subunit.ByteStreamToStreamResult(sys.stdin.buffer,
                                            non_subunit_name='stdout')
    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    try:
        case.run(result)
    finally:
        result.stopTestRun()
    for test_id in failed:
        print(f'FAILED: {test_id}')
    print(f"{counts['success']} passed, {counts['fail']} failed, "
          f"{counts['skip']} skipped")
    return 1 if counts['fail'] else 0


if __name__ == '__main__':
    sys.exit(main())
