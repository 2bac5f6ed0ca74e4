# == Class: zaqar::messaging::sqlalchemy
#
# [drivers:message_store:sqlalchemy]: a SQL database (SQLite, PostgreSQL,
# MySQL/MariaDB) as the message store (queues, messages, claims, subscriptions).
# Select it with zaqar::message_store => 'sqlalchemy'.
#
# === Parameters
#
# [*uri*]
#   SQLAlchemy URL: sqlite:////path, postgresql://user@host/db,
#   mysql+pymysql://user@host/db.
#
class zaqar::messaging::sqlalchemy (
  $uri = $::os_service_default,
) {
  include zaqar::deps

  zaqar_config {
    'drivers:message_store:sqlalchemy/uri': value => $uri, secret => true;
  }
}
