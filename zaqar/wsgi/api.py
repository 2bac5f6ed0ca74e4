"""``application`` for uWSGI/mod_wsgi/gunicorn (also at the reference's path,
``zaqar.transport.wsgi.app:application``).

Config files come from ``OS_ZAQAR_CONFIG_DIR``/``OS_ZAQAR_CONFIG_FILES``
(``;``-separated) or ``ZAQAR_CONFIG_FILE`` (comma-separated) when set,
else oslo.config's standard locations (/etc/zaqar/zaqar.conf, ...).
"""

from zaqar.cmd import common

application = common.build_wsgi_app(common.config_files_from_env())
