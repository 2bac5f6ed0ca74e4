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

describe 'zaqar::policy' do
  context 'with no rules' do
    it { is_expected.to compile.with_all_deps }

    it 'keeps an empty YAML policy file and points oslo.policy at it' do
      is_expected.to contain_openstacklib__policy('/etc/zaqar/policy.yaml').with(
        policies: {}, file_format: 'yaml', file_user: 'root', file_group: 'zaqar',
      )
      is_expected.to contain_file('/etc/zaqar/policy.yaml')
      is_expected.to contain_zaqar_config('oslo_policy/policy_file').with_value('/etc/zaqar/policy.yaml')
      is_expected.to contain_zaqar_config('oslo_policy/enforce_scope').with_value(SERVICE_DEFAULT)
    end

    it 'restarts the services when the rules change' do
      is_expected.to contain_openstacklib__policy('/etc/zaqar/policy.yaml')
        .that_notifies('Anchor[zaqar::config::end]')
    end
  end

  context 'with a rule and new defaults enforced' do
    let(:params) do
      { policies: { 'queues-get' => { 'key' => 'queues:get', 'value' => 'role:admin' } },
        enforce_new_defaults: true, enforce_scope: true, policy_path: '/srv/zaqar-policy.yaml' }
    end

    it 'writes the rule with openstacklib' do
      is_expected.to contain_openstacklib__policy__base('queues-get').with(
        key: 'queues:get', value: 'role:admin', file_path: '/srv/zaqar-policy.yaml', file_format: 'yaml',
      )
      is_expected.to contain_zaqar_config('oslo_policy/enforce_new_defaults').with_value(true)
      is_expected.to contain_zaqar_config('oslo_policy/enforce_scope').with_value(true)
      is_expected.to contain_zaqar_config('oslo_policy/policy_file').with_value('/srv/zaqar-policy.yaml')
    end
  end
end
