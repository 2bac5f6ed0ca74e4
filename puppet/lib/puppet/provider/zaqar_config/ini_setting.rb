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

# zaqar_config on top of openstacklib's openstack_config/ini_setting
# provider (itself puppetlabs-inifile's ini_setting), with the file taken
# from the resource's path parameter rather than a fixed location.
Puppet::Type.type(:zaqar_config).provide(
  :ini_setting,
  parent: Puppet::Type.type(:openstack_config).provider(:ini_setting),
) do
  def self.file_path
    '/etc/zaqar/zaqar.conf'
  end

  def file_path
    resource[:path] || self.class.file_path
  end
end
