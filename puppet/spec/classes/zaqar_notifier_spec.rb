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

describe 'zaqar::notifier' do
  context 'with defaults' do
    it { is_expected.to compile.with_all_deps }

    it 'takes delivery away from the API workers' do
      is_expected.to contain_zaqar_config('notification/notifier_in_api').with_value(false)
    end

    it 'supervises zaqar-notifier' do
      is_expected.to contain_zaqar__daemon('zaqar-notifier').with_command('/opt/zaqar/bin/zaqar-notifier')
      is_expected.to contain_service('zaqar-notifier').with_ensure('running')
    end

    it { is_expected.to contain_zaqar_config('notification/destination_allowlist').with_value(SERVICE_DEFAULT) }
  end

  context 'with options' do
    let(:params) do
      { max_notifier_workers: 20, require_confirmation: true, webhook_timeout: 5,
        external_confirmation_url: 'https://confirm.example.org',
        destination_allowlist: ['10.0.0.0/8', 'hooks.internal'] }
    end

    it 'writes [notification]' do
      is_expected.to contain_zaqar_config('notification/max_notifier_workers').with_value(20)
      is_expected.to contain_zaqar_config('notification/require_confirmation').with_value(true)
      is_expected.to contain_zaqar_config('notification/webhook_timeout').with_value(5)
      is_expected.to contain_zaqar_config('notification/external_confirmation_url').with_value('https://confirm.example.org')
      is_expected.to contain_zaqar_config('notification/destination_allowlist').with_value('10.0.0.0/8,hooks.internal')
    end
  end
end
