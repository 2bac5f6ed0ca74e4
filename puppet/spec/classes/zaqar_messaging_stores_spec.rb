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

describe 'zaqar::messaging::redis' do
  context 'with defaults' do
    it { is_expected.to compile.with_all_deps }
    it { is_expected.to contain_zaqar_config('drivers:message_store:redis/uri').with_value(SERVICE_DEFAULT) }
  end

  context 'with a server' do
    let(:params) { { uri: 'redis://:pw@10.0.0.5:6379?dbid=2', max_reconnect_attempts: 5, reconnect_sleep: 0.5 } }

    it 'writes [drivers:message_store:redis], the URI as a secret' do
      is_expected.to contain_zaqar_config('drivers:message_store:redis/uri').with(value: 'redis://:pw@10.0.0.5:6379?dbid=2', secret: true)
      is_expected.to contain_zaqar_config('drivers:message_store:redis/max_reconnect_attempts').with_value(5)
      is_expected.to contain_zaqar_config('drivers:message_store:redis/reconnect_sleep').with_value(0.5)
    end
  end
end

describe 'zaqar::messaging::mongodb' do
  let(:params) { { uri: 'mongodb://db1,db2/?replicaSet=rs0', database: 'zq', replicaset: 'rs0', ssl: true, max_attempts: 10 } }

  it { is_expected.to compile.with_all_deps }

  it 'writes [drivers:message_store:mongodb]' do
    is_expected.to contain_zaqar_config('drivers:message_store:mongodb/uri').with(value: 'mongodb://db1,db2/?replicaSet=rs0', secret: true)
    is_expected.to contain_zaqar_config('drivers:message_store:mongodb/database').with_value('zq')
    is_expected.to contain_zaqar_config('drivers:message_store:mongodb/replicaset').with_value('rs0')
    is_expected.to contain_zaqar_config('drivers:message_store:mongodb/ssl').with_value(true)
    is_expected.to contain_zaqar_config('drivers:message_store:mongodb/max_attempts').with_value(10)
    is_expected.to contain_zaqar_config('drivers:message_store:mongodb/ssl_ca_certs').with_value(SERVICE_DEFAULT)
  end
end

describe 'zaqar::messaging::sqlalchemy' do
  let(:params) { { uri: 'postgresql://zaqar@db/zaqar' } }

  it { is_expected.to compile.with_all_deps }
  it { is_expected.to contain_zaqar_config('drivers:message_store:sqlalchemy/uri').with(value: 'postgresql://zaqar@db/zaqar', secret: true) }
end
