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
