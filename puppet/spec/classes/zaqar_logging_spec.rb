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

describe 'zaqar::logging' do
  context 'with defaults' do
    it { is_expected.to compile.with_all_deps }

    it 'logs into the zaqar log directory through oslo::log' do
      is_expected.to contain_oslo__log('zaqar_config').with_log_dir('/var/log/zaqar')
      is_expected.to contain_zaqar_config('DEFAULT/log_dir').with_value('/var/log/zaqar')
      is_expected.to contain_zaqar_config('DEFAULT/debug').with_value(SERVICE_DEFAULT)
    end
  end

  context 'with options' do
    let(:params) do
      { debug: true, log_file: 'api.log', log_dir: '/srv/log', use_json: true,
        default_log_levels: { 'amqp' => 'WARN', 'urllib3' => 'INFO' } }
    end

    it 'writes them' do
      is_expected.to contain_zaqar_config('DEFAULT/debug').with_value(true)
      is_expected.to contain_zaqar_config('DEFAULT/log_file').with_value('api.log')
      is_expected.to contain_zaqar_config('DEFAULT/log_dir').with_value('/srv/log')
      is_expected.to contain_zaqar_config('DEFAULT/use_json').with_value(true)
      is_expected.to contain_zaqar_config('DEFAULT/default_log_levels').with_value('amqp=WARN,urllib3=INFO')
    end
  end
end
