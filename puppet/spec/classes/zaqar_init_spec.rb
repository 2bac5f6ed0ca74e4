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

describe 'zaqar' do
  context 'with defaults' do
    it { is_expected.to compile.with_all_deps }
    it { is_expected.to contain_class('zaqar::deps') }
    it { is_expected.to contain_class('zaqar::config') }
    it { is_expected.to contain_class('zaqar::db::sync') }

    it 'creates the service account' do
      is_expected.to contain_group('zaqar').with(system: true)
      is_expected.to contain_user('zaqar').with(gid: 'zaqar', system: true, home: '/var/lib/zaqar')
    end

    it 'creates the virtualenv, then installs zaqar into it once' do
      is_expected.to contain_exec('zaqar-virtualenv').with(
        command: '/usr/bin/python3 -m venv /opt/zaqar',
        creates: '/opt/zaqar/bin/pip',
      ).that_comes_before('Exec[zaqar-pip-install]')
      is_expected.to contain_exec('zaqar-pip-install').with(
        command: '/opt/zaqar/bin/pip install --quiet zaqar',
        unless: '/opt/zaqar/bin/pip show --quiet zaqar',
      ).that_notifies('Anchor[zaqar::install::end]')
    end

    it 'owns its directories and the config file' do
      ['/etc/zaqar', '/var/lib/zaqar', '/var/log/zaqar', '/run/zaqar'].each do |dir|
        is_expected.to contain_file(dir).with(ensure: 'directory', owner: 'zaqar', group: 'zaqar')
      end
      is_expected.to contain_file('/etc/zaqar/zaqar.conf').with(owner: 'root', group: 'zaqar', mode: '0640')
    end

    it 'turns Keystone on and leaves the rest to the service defaults' do
      is_expected.to contain_zaqar_config('DEFAULT/auth_strategy').with_value('keystone')
      is_expected.to contain_zaqar_config('drivers/message_store').with_value(SERVICE_DEFAULT)
      is_expected.to contain_zaqar_config('drivers/management_store').with_value(SERVICE_DEFAULT)
      is_expected.to contain_zaqar_config('transport/default_message_ttl').with_value(SERVICE_DEFAULT)
    end

    it 'points every option at the config file' do
      is_expected.to contain_zaqar_config('DEFAULT/auth_strategy').with_path('/etc/zaqar/zaqar.conf')
    end
  end

  context 'with a local source, other paths and limits' do
    let(:params) do
      {
        source: '/srv/zaqar-src',
        package_ensure: 'latest',
        venv_dir: '/srv/venv',
        pip_options: ['--index-url', 'http://mirror/simple'],
        install_environment: ['PBR_VERSION=1.0.0'],
        config_dir: '/srv/etc',
        manage_user: false,
        user: 'svc',
        group: 'svc',
        auth_strategy: '',
        message_store: 'redis',
        management_store: 'sqlalchemy',
        default_message_ttl: 1234,
        max_messages_post_size: 65_536,
        message_delete_with_claim_id: true,
        sync_db: false,
      }
    end

    it { is_expected.to compile.with_all_deps }
    it { is_expected.not_to contain_user('svc') }
    it { is_expected.not_to contain_class('zaqar::db::sync') }

    it 'upgrades from the given source with the given options' do
      is_expected.to contain_exec('zaqar-pip-install').with(
        command: '/srv/venv/bin/pip install --quiet --upgrade --index-url http://mirror/simple /srv/zaqar-src',
        unless: nil,
        environment: ['PBR_VERSION=1.0.0'],
      )
    end

    it 'writes the options' do
      is_expected.to contain_zaqar_config('DEFAULT/auth_strategy').with_value('').with_path('/srv/etc/zaqar.conf')
      is_expected.to contain_zaqar_config('drivers/message_store').with_value('redis')
      is_expected.to contain_zaqar_config('drivers/management_store').with_value('sqlalchemy')
      is_expected.to contain_zaqar_config('transport/default_message_ttl').with_value(1234)
      is_expected.to contain_zaqar_config('transport/max_messages_post_size').with_value(65_536)
      is_expected.to contain_zaqar_config('transport/message_delete_with_claim_id').with_value(true)
    end
  end

  context 'with an unknown package_ensure' do
    let(:params) { { package_ensure: 'held' } }

    it { is_expected.to compile.and_raise_error(%r{package_ensure}) }
  end
end
