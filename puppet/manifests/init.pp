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

# == Class: zaqar
#
# Installs Zaqar into its own virtualenv and writes the options every Zaqar
# process reads. The services (zaqar::server, zaqar::websocket,
# zaqar::notifier), the stores and Keystone live in their own classes.
#
# === Parameters
#
# [*source*]
#   What pip installs: a requirement ('zaqar', 'zaqar==1.0'), a local source
#   tree or an sdist/wheel path or URL. Defaults to 'zaqar'.
# [*package_ensure*]
#   'present' installs once; 'latest' upgrades on every run.
# [*venv_dir*]
#   The virtualenv; its bin/ holds zaqar-server and the other commands.
# [*python*]
#   Interpreter that creates the virtualenv.
# [*pip_options*]
#   Extra arguments for 'pip install' (an index, constraints, ...).
# [*install_environment*]
#   Environment for pip, as 'NAME=value' strings.
# [*config_dir*], [*log_dir*], [*state_dir*], [*run_dir*]
#   Where configuration, logs, data and pid files go.
# [*config_file*]
#   The zaqar.conf every zaqar_config resource edits.
# [*user*], [*group*], [*manage_user*]
#   The account the services run as, created when manage_user is true.
# [*auth_strategy*]
#   'keystone' (default) validates tokens; an empty string is the
#   development mode without authentication.
# [*message_store*], [*management_store*]
#   [drivers] message_store / management_store: redis, mongodb or sqlalchemy.
# [*unreliable*], [*enable_checksum*]
#   [DEFAULT] options of the same name.
# [*default_message_ttl*], [*default_claim_ttl*], [*default_claim_grace*],
# [*max_messages_post_size*], [*max_queues_per_page*],
# [*max_messages_per_page*], [*max_queue_metadata*],
# [*message_delete_with_claim_id*]
#   [transport] limits of the same name.
# [*sync_db*]
#   Run zaqar-manage db sync after installs and configuration changes.
#
class zaqar (
  String $source                                   = 'zaqar',
  Enum['present', 'latest'] $package_ensure        = 'present',
  Stdlib::Absolutepath $venv_dir                   = '/opt/zaqar',
  Stdlib::Absolutepath $python                     = '/usr/bin/python3',
  Array[String] $pip_options                       = [],
  Array[String] $install_environment               = [],
  Stdlib::Absolutepath $config_dir                 = '/etc/zaqar',
  Optional[Stdlib::Absolutepath] $config_file      = undef,
  Stdlib::Absolutepath $log_dir                    = '/var/log/zaqar',
  Stdlib::Absolutepath $state_dir                  = '/var/lib/zaqar',
  Stdlib::Absolutepath $run_dir                    = '/run/zaqar',
  String $user                                     = 'zaqar',
  String $group                                    = 'zaqar',
  Boolean $manage_user                             = true,
  String $auth_strategy                            = 'keystone',
  $message_store                                   = $::os_service_default,
  $management_store                                = $::os_service_default,
  $unreliable                                      = $::os_service_default,
  $enable_checksum                                 = $::os_service_default,
  $default_message_ttl                             = $::os_service_default,
  $default_claim_ttl                               = $::os_service_default,
  $default_claim_grace                             = $::os_service_default,
  $max_messages_post_size                          = $::os_service_default,
  $max_queues_per_page                             = $::os_service_default,
  $max_messages_per_page                           = $::os_service_default,
  $max_queue_metadata                              = $::os_service_default,
  $message_delete_with_claim_id                    = $::os_service_default,
  Boolean $sync_db                                 = true,
) {
  include zaqar::deps
  include zaqar::config

  $config_file_real = pick($config_file, "${config_dir}/zaqar.conf")
  $bin_dir = "${venv_dir}/bin"

  if $manage_user {
    group { $group:
      ensure => present,
      system => true,
      before => Anchor['zaqar::install::end'],
    }
    user { $user:
      ensure  => present,
      gid     => $group,
      system  => true,
      home    => $state_dir,
      shell   => '/usr/sbin/nologin',
      require => Group[$group],
      before  => Anchor['zaqar::install::end'],
    }
  }

  # -- install ---------------------------------------------------------------
  $pip_args = join(concat($pip_options, [$source]), ' ')
  $pip_install = $package_ensure ? {
    'latest' => "${bin_dir}/pip install --quiet --upgrade ${pip_args}",
    default  => "${bin_dir}/pip install --quiet ${pip_args}",
  }
  # 'latest' asks pip every run; 'present' only when zaqar is missing.
  $pip_unless = $package_ensure ? {
    'latest' => undef,
    default  => "${bin_dir}/pip show --quiet zaqar",
  }

  exec { 'zaqar-virtualenv':
    command => "${python} -m venv ${venv_dir}",
    creates => "${bin_dir}/pip",
    path    => ['/usr/bin', '/bin'],
    require => Anchor['zaqar::install::begin'],
    before  => Exec['zaqar-pip-install'],
  }
  exec { 'zaqar-pip-install':
    command     => $pip_install,
    unless      => $pip_unless,
    environment => $install_environment,
    path        => [$bin_dir, '/usr/bin', '/bin'],
    timeout     => 1800,
    notify      => Anchor['zaqar::install::end'],
  }

  # -- directories and the config file ---------------------------------------
  file { [$config_dir, $state_dir, $log_dir, $run_dir]:
    ensure  => directory,
    owner   => $user,
    group   => $group,
    mode    => '0750',
    require => Anchor['zaqar::install::end'],
    before  => Anchor['zaqar::config::begin'],
  }
  file { $config_file_real:
    ensure  => file,
    owner   => 'root',
    group   => $group,
    mode    => '0640',
    require => File[$config_dir],
    before  => Anchor['zaqar::config::begin'],
  }

  # Every zaqar_config resource, whoever declares it, edits this file.
  Zaqar_config<||> { path => $config_file_real }

  zaqar_config {
    'DEFAULT/auth_strategy':                  value => $auth_strategy;
    'DEFAULT/unreliable':                     value => $unreliable;
    'DEFAULT/enable_checksum':                value => $enable_checksum;
    'drivers/message_store':                  value => $message_store;
    'drivers/management_store':               value => $management_store;
    'transport/default_message_ttl':          value => $default_message_ttl;
    'transport/default_claim_ttl':            value => $default_claim_ttl;
    'transport/default_claim_grace':          value => $default_claim_grace;
    'transport/max_messages_post_size':       value => $max_messages_post_size;
    'transport/max_queues_per_page':          value => $max_queues_per_page;
    'transport/max_messages_per_page':        value => $max_messages_per_page;
    'transport/max_queue_metadata':           value => $max_queue_metadata;
    'transport/message_delete_with_claim_id': value => $message_delete_with_claim_id;
  }

  if $sync_db {
    include zaqar::db::sync
  }
}
