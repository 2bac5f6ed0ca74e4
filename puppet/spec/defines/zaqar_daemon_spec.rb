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

describe 'zaqar::daemon' do
  let(:title) { 'zaqar-gc' }
  let(:params) do
    {
      command: '/opt/zaqar/bin/zaqar-gc',
      arguments: ['--config-file', '/etc/zaqar/zaqar.conf', '--interval', '60'],
      pid_file: '/run/zaqar/gc.pid',
      log_file: '/var/log/zaqar/gc.out',
      user: 'zaqar',
      group: 'zaqar',
    }
  end

  it { is_expected.to compile.with_all_deps }

  it 'starts in the background with a pid file and checks it stayed up' do
    is_expected.to contain_service('zaqar-gc').with(
      ensure: 'running',
      provider: 'base',
      hasstatus: true,
      hasrestart: false,
      start: '/sbin/start-stop-daemon --start --quiet --background --make-pidfile --pidfile /run/zaqar/gc.pid ' \
             '--chuid zaqar:zaqar --output /var/log/zaqar/gc.out --exec /opt/zaqar/bin/zaqar-gc -- ' \
             '--config-file /etc/zaqar/zaqar.conf --interval 60 ' \
             '&& sleep 2 && /sbin/start-stop-daemon --status --pidfile /run/zaqar/gc.pid',
      status: '/sbin/start-stop-daemon --status --pidfile /run/zaqar/gc.pid',
    )
  end

  it 'stops with TERM, then KILL, and drops the pid file' do
    is_expected.to contain_service('zaqar-gc').with_stop(
      '/sbin/start-stop-daemon --stop --quiet --oknodo --retry TERM/30/KILL/5 ' \
      '--pidfile /run/zaqar/gc.pid --remove-pidfile',
    )
  end

  it 'is tagged so config changes restart it' do
    is_expected.to contain_service('zaqar-gc').with_tag(['zaqar-service'])
  end

  context 'with an argument needing quotes' do
    let(:params) { super().merge(arguments: ['--name', 'a b']) }

    it { is_expected.to contain_service('zaqar-gc').with_start(%r{-- --name a\\ b &&}) }
  end

  context 'with a relative command' do
    let(:params) { super().merge(command: 'zaqar-gc') }

    it { is_expected.to compile.and_raise_error(%r{command}) }
  end
end
