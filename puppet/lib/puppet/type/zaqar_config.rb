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

# One option of zaqar.conf, addressed as "section/option".
#
# The value '<SERVICE DEFAULT>' (openstacklib's os_service_default fact)
# removes the option, so the service falls back to its own default; this is
# what lets the openstacklib, oslo and keystone defines drive the file.
Puppet::Type.newtype(:zaqar_config) do
  ensurable

  newparam(:name, namevar: true) do
    desc 'The option as "section/name", e.g. "drivers/message_store".'
    newvalues(%r{\S+/\S+})
  end

  newparam(:path) do
    desc 'The configuration file to edit (zaqar::config_file sets it).'
    defaultto('/etc/zaqar/zaqar.conf')
    validate do |value|
      raise ArgumentError, "path must be absolute: #{value}" unless Puppet::Util.absolute_path?(value)
    end
  end

  newproperty(:value) do
    desc 'The value, one line; lists are comma-separated; booleans become True/False.'

    munge do |value|
      text = value.to_s.strip
      text =~ %r{\A(true|false)\z}i ? text.capitalize : text
    end

    def is_to_s(value)
      resource.secret? ? '[old secret redacted]' : super
    end

    def should_to_s(value)
      resource.secret? ? '[new secret redacted]' : super
    end
  end

  newparam(:secret, boolean: true) do
    desc 'Keep the value out of logs and reports.'
    newvalues(:true, :false)
    defaultto false
  end

  newparam(:ensure_absent_val) do
    desc 'A value that means "remove the option".'
    defaultto('<SERVICE DEFAULT>')
  end

  newparam(:transform_to) do
    desc 'Accepted for the openstack_config provider; no transformation is defined.'
  end

  autorequire(:anchor) do
    ['zaqar::install::end']
  end

  autorequire(:file) do
    [self[:path], File.dirname(self[:path])]
  end
end
