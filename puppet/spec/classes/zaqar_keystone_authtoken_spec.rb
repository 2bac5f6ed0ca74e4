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

describe 'zaqar::keystone::authtoken' do
  context 'with the password only' do
    let(:params) { { password: 'tokpass' } }

    it { is_expected.to compile.with_all_deps }

    it 'hands [keystone_authtoken] to keystone::resource::authtoken' do
      is_expected.to contain_keystone__resource__authtoken('zaqar_config').with(
        username: 'zaqar',
        password: 'tokpass',
        auth_url: 'http://127.0.0.1:5000',
        project_name: 'services',
        auth_type: 'password',
        service_type: 'messaging',
      )
    end

    it 'writes the options as zaqar_config, the password as a secret' do
      is_expected.to contain_zaqar_config('keystone_authtoken/username').with_value('zaqar')
      is_expected.to contain_zaqar_config('keystone_authtoken/password').with(value: 'tokpass', secret: true)
      is_expected.to contain_zaqar_config('keystone_authtoken/user_domain_name').with_value('Default')
      is_expected.to contain_zaqar_config('keystone_authtoken/memcached_servers').with_value(SERVICE_DEFAULT)
    end
  end

  context 'with a region and memcached' do
    let(:params) do
      { password: 'p', username: 'zq', auth_url: 'https://ks:5000', www_authenticate_uri: 'https://ks/identity',
        region_name: 'RegionTwo', memcached_servers: ['10.0.0.1:11211', '10.0.0.2:11211'], token_cache_time: 60 }
    end

    it 'writes them' do
      is_expected.to contain_zaqar_config('keystone_authtoken/auth_url').with_value('https://ks:5000')
      is_expected.to contain_zaqar_config('keystone_authtoken/www_authenticate_uri').with_value('https://ks/identity')
      is_expected.to contain_zaqar_config('keystone_authtoken/region_name').with_value('RegionTwo')
      is_expected.to contain_zaqar_config('keystone_authtoken/memcached_servers').with_value('10.0.0.1:11211,10.0.0.2:11211')
      is_expected.to contain_zaqar_config('keystone_authtoken/token_cache_time').with_value(60)
    end
  end

  context 'without a password' do
    it { is_expected.to compile.and_raise_error(%r{password}) }
  end
end
