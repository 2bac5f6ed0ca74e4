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

# == Class: zaqar::logging
#
# oslo.log options in [DEFAULT], written by puppet-oslo's oslo::log.
#
# === Parameters
#
# [*debug*], [*log_file*], [*log_dir*], [*use_syslog*], [*use_json*],
# [*use_stderr*], [*syslog_log_facility*], [*log_date_format*],
# [*default_log_levels*], [*logging_context_format_string*],
# [*logging_default_format_string*], [*log_config_append*]
#   oslo.log options of the same names; log_dir defaults to
#   zaqar::log_dir so each service logs to <log_dir>/<command>.log.
#
class zaqar::logging (
  $debug                         = $::os_service_default,
  $log_file                      = $::os_service_default,
  $log_dir                       = undef,
  $use_syslog                    = $::os_service_default,
  $use_json                      = $::os_service_default,
  $use_stderr                    = $::os_service_default,
  $syslog_log_facility           = $::os_service_default,
  $log_date_format               = $::os_service_default,
  $default_log_levels            = $::os_service_default,
  $logging_context_format_string = $::os_service_default,
  $logging_default_format_string = $::os_service_default,
  $log_config_append             = $::os_service_default,
) {
  include zaqar::deps
  include zaqar

  oslo::log { 'zaqar_config':
    debug                         => $debug,
    log_file                      => $log_file,
    log_dir                       => pick($log_dir, $zaqar::log_dir),
    use_syslog                    => $use_syslog,
    use_json                      => $use_json,
    use_stderr                    => $use_stderr,
    syslog_log_facility           => $syslog_log_facility,
    log_date_format               => $log_date_format,
    default_log_levels            => $default_log_levels,
    logging_context_format_string => $logging_context_format_string,
    logging_default_format_string => $logging_default_format_string,
    log_config_append             => $log_config_append,
  }
}
