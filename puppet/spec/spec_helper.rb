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

# rspec-puppet set-up: the module under its name 'zaqar' ahead of
# Debian's modules, and the facts a Debian 12 host reports (plus
# openstacklib's own facts, which rspec-puppet does not evaluate).
require 'fileutils'
require 'rspec-puppet'

SPEC_DIR = File.expand_path(__dir__)
FIXTURE_MODULES = File.join(SPEC_DIR, 'fixtures', 'modules')
SYSTEM_MODULES = ENV.fetch('ZAQAR_PUPPET_SYSTEM_MODULES', '/usr/share/puppet/modules')

FileUtils.mkdir_p(FIXTURE_MODULES)
link = File.join(FIXTURE_MODULES, 'zaqar')
FileUtils.ln_s(File.dirname(SPEC_DIR), link) unless File.symlink?(link)

# What openstacklib's os_service_default fact holds: "leave it unset".
SERVICE_DEFAULT = '<SERVICE DEFAULT>'.freeze

DEBIAN_FACTS = {
  'os_service_default' => SERVICE_DEFAULT,
  'os_workers'         => 2,
  'osfamily'           => 'Debian',
  'operatingsystem'    => 'Debian',
  'operatingsystemmajrelease' => '12',
  'processorcount'     => 2,
  'fqdn'               => 'zaqar.example.org',
  'os'                 => {
    'family'  => 'Debian',
    'name'    => 'Debian',
    'release' => { 'major' => '12', 'full' => '12.5' },
  },
}.freeze

RSpec.configure do |c|
  c.module_path = [FIXTURE_MODULES, SYSTEM_MODULES].join(File::PATH_SEPARATOR)
  c.manifest = File.join(SPEC_DIR, 'fixtures', 'site.pp')
  c.default_facts = DEBIAN_FACTS
  c.hiera_config = File.join(SPEC_DIR, 'fixtures', 'hiera.yaml')
  c.strict_variables = false
end

# Required parameters of the module's classes, for specs of other classes.
