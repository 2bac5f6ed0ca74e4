"""``application`` for uWSGI/mod_wsgi/gunicorn.

Config files come from ``ZAQAR_CONFIG_FILE`` (comma-separated) when set,
else oslo.config's standard locations (/etc/zaqar/zaqar.conf, ...).
"""

from zaqar.cmd import common

application = common.build_wsgi_app(common.config_files_from_env())
