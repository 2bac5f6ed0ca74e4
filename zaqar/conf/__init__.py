"""oslo.config options: one module per option group, registered here once."""

from oslo_config import cfg

from zaqar.conf import opts

CONF = cfg.CONF


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register every option group of the service on ``conf``."""
    for group, options in opts.list_opts():
        conf.register_opts(options, group=group)


register_opts(CONF)
