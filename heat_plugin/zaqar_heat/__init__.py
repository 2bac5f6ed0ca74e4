"""Heat resource types for this Zaqar service (see heat_plugin/README)."""

import os

# The directory to list in Heat's ``plugin_dirs``: it holds only the
# resource modules, which Heat's plugin loader imports one by one.
RESOURCES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             'resources')
