# == Class: zaqar::management::sqlalchemy
#
# [drivers:management_store:sqlalchemy]: a SQL database (SQLite, PostgreSQL,
# MySQL/MariaDB) as the management store (pools, flavors, the queue catalog).
# Select it with zaqar::management_store => 'sqlalchemy'.
#
# === Parameters
#
# [*uri*]
#   SQLAlchemy URL: sqlite:////path, postgresql://user@host/db,
#   mysql+pymysql://user@host/db.
#
class zaqar::management::sqlalchemy (
  $uri = $::os_service_default,
) {
  include zaqar::deps

  zaqar_config {
    'drivers:management_store:sqlalchemy/uri': value => $uri, secret => true;
  }
}
