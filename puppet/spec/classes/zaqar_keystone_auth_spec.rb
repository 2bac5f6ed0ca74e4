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

describe 'zaqar::keystone::auth' do
  context 'with the password only' do
    let(:params) { { password: 'svcpass' } }

    it { is_expected.to compile.with_all_deps }

    it 'registers the messaging service, its endpoints and user' do
      is_expected.to contain_keystone__resource__service_identity('zaqar').with(
        password: 'svcpass',
        service_type: 'messaging',
        service_name: 'zaqar',
        tenant: 'services',
        roles: ['admin'],
        region: 'RegionOne',
        public_url: 'http://127.0.0.1:8888',
      )
      is_expected.to contain_keystone_user('zaqar').with(password: 'svcpass', enabled: true)
      is_expected.to contain_keystone_user_role('zaqar@services').with_roles(['admin'])
      is_expected.to contain_keystone_service('zaqar::messaging').with_ensure('present')
      is_expected.to contain_keystone_endpoint('RegionOne/zaqar::messaging').with(
        public_url: 'http://127.0.0.1:8888',
        internal_url: 'http://127.0.0.1:8888',
        admin_url: 'http://127.0.0.1:8888',
      )
    end

    it 'is in place before the services start' do
      is_expected.to contain_keystone__resource__service_identity('zaqar')
        .that_comes_before('Anchor[zaqar::service::begin]')
    end
  end

  context 'with its own names and URLs, without the user' do
    let(:params) do
      { password: 'p', auth_name: 'zaqar-r2', service_name: 'queues', region: 'RegionTwo',
        public_url: 'https://zaqar.example.org', internal_url: 'http://zaqar.internal:8888',
        admin_url: 'http://zaqar.admin:8888', configure_user: false, configure_user_role: false }
    end

    it 'registers only service and endpoints' do
      is_expected.not_to contain_keystone_user('zaqar-r2')
      is_expected.not_to contain_keystone_user_role('zaqar-r2@services')
      is_expected.to contain_keystone_service('queues::messaging')
      is_expected.to contain_keystone_endpoint('RegionTwo/queues::messaging').with(
        public_url: 'https://zaqar.example.org',
        internal_url: 'http://zaqar.internal:8888',
        admin_url: 'http://zaqar.admin:8888',
      )
    end
  end
end
