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

describe 'zaqar::db::sync' do
  context 'with defaults' do
    it { is_expected.to compile.with_all_deps }

    it 'runs zaqar-manage db sync on refresh only, between config and services' do
      is_expected.to contain_exec('zaqar-db-sync').with(
        command: '/opt/zaqar/bin/zaqar-manage --config-file /etc/zaqar/zaqar.conf  db sync',
        refreshonly: true,
        user: 'zaqar',
        timeout: 300,
      ).that_subscribes_to(['Anchor[zaqar::install::end]', 'Anchor[zaqar::config::end]', 'Anchor[zaqar::dbsync::begin]'])
        .that_notifies('Anchor[zaqar::dbsync::end]')
    end
  end

  context 'with extra parameters' do
    let(:params) { { extra_params: '--config-file /etc/zaqar/db.conf', timeout: 60 } }

    it do
      is_expected.to contain_exec('zaqar-db-sync').with(
        command: '/opt/zaqar/bin/zaqar-manage --config-file /etc/zaqar/zaqar.conf --config-file /etc/zaqar/db.conf db sync',
        timeout: 60,
      )
    end
  end
end
