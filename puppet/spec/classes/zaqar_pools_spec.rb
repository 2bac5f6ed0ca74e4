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

describe 'zaqar::pools' do
  context 'with no pools' do
    it { is_expected.to compile.with_all_deps }
    it { is_expected.to contain_zaqar_config('DEFAULT/pooling').with_value(true) }
    it { is_expected.not_to contain_exec('zaqar-pool-load') }
  end

  context 'with pools and a flavor' do
    let(:params) do
      {
        pools: { 'redis-1' => { 'uri' => 'redis://10.0.0.5:6379', 'weight' => 100 } },
        flavors: { 'fast' => { 'pool_list' => ['redis-1'] } },
        check_pools: false,
        cache_ttl: 5,
      }
    end

    it { is_expected.to compile.with_all_deps }

    it 'writes the pools file' do
      is_expected.to contain_file('/etc/zaqar/pools.yaml').with(mode: '0640', group: 'zaqar')
      content = catalogue.resource('File', '/etc/zaqar/pools.yaml')[:content]
      expect(YAML.safe_load(content)).to eq(
        'pools' => { 'redis-1' => { 'uri' => 'redis://10.0.0.5:6379', 'weight' => 100 } },
        'flavors' => { 'fast' => { 'pool_list' => ['redis-1'] } },
      )
    end

    it 'loads it after db sync and before the services, when it changes' do
      is_expected.to contain_exec('zaqar-pool-load').with(
        command: '/opt/zaqar/bin/zaqar-manage --config-file /etc/zaqar/zaqar.conf pool load /etc/zaqar/pools.yaml --no-check',
        refreshonly: true,
      ).that_subscribes_to('File[/etc/zaqar/pools.yaml]')
        .that_requires('Anchor[zaqar::dbsync::end]')
        .that_comes_before('Anchor[zaqar::service::begin]')
    end

    it { is_expected.to contain_zaqar_config('pooling:catalog/cache_ttl').with_value(5) }
  end
end
