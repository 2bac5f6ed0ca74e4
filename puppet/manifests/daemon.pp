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

# == Define: zaqar::daemon
#
# One long-running Zaqar command supervised through a pid file with
# Debian's start-stop-daemon, for hosts without systemd (containers, CI).
# A Puppet 'service' with the base provider: status reads the pid file,
# a refresh stops the process (TERM, then KILL after 30 s) and starts it.
#
# === Parameters
#
# [*command*]
#   The executable, an absolute path.
# [*arguments*]
#   Its arguments.
# [*ensure*]
#   'running' or 'stopped'.
# [*pid_file*], [*log_file*]
#   Where start-stop-daemon keeps the pid and the process's stdout/stderr.
# [*user*], [*group*]
#   The account it runs as.
# [*start_check_delay*]
#   Seconds to wait after starting before checking the process still runs,
#   so a process that dies on start fails the Puppet run.
#
define zaqar::daemon (
  Stdlib::Absolutepath $command,
  Stdlib::Absolutepath $pid_file,
  Stdlib::Absolutepath $log_file,
  String $user,
  String $group,
  Array[String] $arguments                = [],
  Enum['running', 'stopped'] $ensure      = 'running',
  Integer[0] $start_check_delay           = 2,
) {
  include zaqar::deps

  $ssd = '/sbin/start-stop-daemon'
  $args = join($arguments.map |$a| { shell_escape($a) }, ' ')
  $status = "${ssd} --status --pidfile ${pid_file}"
  $start = join([
    "${ssd} --start --quiet --background --make-pidfile --pidfile ${pid_file}",
    "--chuid ${user}:${group} --output ${log_file} --exec ${command} -- ${args}",
    "&& sleep ${start_check_delay} && ${status}",
  ], ' ')
  $stop = "${ssd} --stop --quiet --oknodo --retry TERM/30/KILL/5 --pidfile ${pid_file} --remove-pidfile"

  service { $title:
    ensure     => $ensure,
    provider   => 'base',
    start      => $start,
    stop       => $stop,
    status     => $status,
    hasstatus  => true,
    hasrestart => false,
    tag        => ['zaqar-service'],
  }
}
