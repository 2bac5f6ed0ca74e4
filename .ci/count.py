# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

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
