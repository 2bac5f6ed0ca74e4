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

"""heat-api's WSGI application for gunicorn, configured from the environment.

Heat's WSGI entry point parses ``sys.argv`` with oslo.config; under
gunicorn that would be gunicorn's own arguments, so the worker replaces it
with the config file named by ZAQAR_TEST_HEAT_CONF before importing it.
Runs inside the Heat virtualenv (tests/heat/fixture.py starts it).
"""

import os
import sys

sys.argv = ['heat-api', '--config-file', os.environ['ZAQAR_TEST_HEAT_CONF']]

from heat.wsgi.api import application  # noqa: E402,F401
