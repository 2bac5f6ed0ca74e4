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

require 'spec_helper'
require 'tmpdir'

# The type and its provider against a real file: no catalog, no mocks.
$LOAD_PATH.unshift(File.join(FIXTURE_MODULES, 'zaqar', 'lib'))
%w[stdlib inifile openstacklib].each do |name|
  $LOAD_PATH.unshift(File.join(SYSTEM_MODULES, name, 'lib'))
end
require 'puppet'
require 'puppet/type/ini_setting'
require 'puppet/type/openstack_config'
require 'puppet/type/zaqar_config'

describe Puppet::Type.type(:zaqar_config) do
  around(:each) do |example|
    Dir.mktmpdir('zaqar-config-') do |dir|
      @path = File.join(dir, 'zaqar.conf')
      Puppet[:statefile] = File.join(dir, 'state.yaml')
      Puppet[:transactionstorefile] = File.join(dir, 'transactionstore.yaml')
      File.write(@path, "[DEFAULT]\nauth_strategy = keystone\n")
      example.run
    end
  end

  def apply(name, attributes)
    resource = described_class.new({ name: name, path: @path }.merge(attributes))
    catalog = Puppet::Resource::Catalog.new
    catalog.add_resource(resource)
    catalog.apply
    resource
  end

  def ini
    File.read(@path)
  end

  it 'uses the ini_setting provider' do
    expect(described_class.new(name: 'a/b', path: '/x').provider.class.name).to eq(:ini_setting)
  end

  it 'adds an option in a new section' do
    apply('drivers:message_store:redis/uri', value: 'redis://127.0.0.1:6379')
    expect(ini).to match(%r{^\[drivers:message_store:redis\]\nuri ?= ?redis://127\.0\.0\.1:6379$})
  end

  it 'changes an existing option in place' do
    apply('DEFAULT/auth_strategy', value: 'noauth')
    expect(ini).to match(%r{^auth_strategy ?= ?noauth$})
    expect(ini.scan('auth_strategy').size).to eq(1)
  end

  it 'writes booleans the way oslo.config reads them' do
    apply('DEFAULT/admin_mode', value: true)
    expect(ini).to match(%r{^admin_mode ?= ?True$})
  end

  it 'removes an option set to the service default' do
    apply('DEFAULT/auth_strategy', value: '<SERVICE DEFAULT>')
    expect(ini).not_to include('auth_strategy')
  end

  it 'removes an option with ensure absent' do
    apply('DEFAULT/auth_strategy', ensure: 'absent')
    expect(ini).not_to include('auth_strategy')
  end

  it 'reports no change when the value is already there' do
    apply('transport/max_messages_per_page', value: 20)
    resource = apply('transport/max_messages_per_page', value: 20)
    expect(resource.provider.value).to eq('20')
    expect(resource.property(:value).insync?(resource.provider.value)).to be true
  end

  it 'hides secrets in change messages' do
    resource = described_class.new(name: 'signed_url/secret_key', path: @path, value: 'k3y', secret: true)
    expect(resource.property(:value).should_to_s('k3y')).to eq('[new secret redacted]')
    expect(resource.property(:value).is_to_s('old')).to eq('[old secret redacted]')
  end

  it 'refuses a name without a section' do
    expect { described_class.new(name: 'auth_strategy', path: @path) }.to raise_error(Puppet::Error)
  end

  it 'refuses a relative path' do
    expect { described_class.new(name: 'a/b', path: 'zaqar.conf') }.to raise_error(Puppet::Error, %r{absolute})
  end
end
