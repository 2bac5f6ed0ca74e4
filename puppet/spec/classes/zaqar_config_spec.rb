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

describe 'zaqar::config' do
  let(:post_condition) { 'include zaqar' }

  context 'with any options' do
    let(:params) do
      {
        zaqar_config: {
          'transport/max_claim_ttl' => { 'value' => 86_400 },
          'signed_url/secret_key'   => { 'value' => 's3cr3t', 'secret' => true },
          'pooling:catalog/cache_size' => { 'ensure' => 'absent' },
        },
      }
    end

    it { is_expected.to compile.with_all_deps }

    it 'declares them as zaqar_config resources in the config file' do
      is_expected.to contain_zaqar_config('transport/max_claim_ttl').with_value(86_400).with_path('/etc/zaqar/zaqar.conf')
      is_expected.to contain_zaqar_config('signed_url/secret_key').with(value: 's3cr3t', secret: true)
    end

    it 'orders them inside the configuration stage' do
      is_expected.to contain_zaqar_config('transport/max_claim_ttl')
        .that_requires('Anchor[zaqar::config::begin]')
        .that_notifies('Anchor[zaqar::config::end]')
    end
  end

  context 'with an option the zaqar class also manages' do
    let(:params) { { zaqar_config: { 'DEFAULT/auth_strategy' => { 'value' => '' } } } }

    it { is_expected.to compile.and_raise_error(%r{Duplicate declaration}) }
  end
end
