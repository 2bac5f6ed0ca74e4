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

describe 'zaqar::deps' do
  it { is_expected.to compile.with_all_deps }

  it 'chains the stages' do
    is_expected.to contain_anchor('zaqar::install::end').that_comes_before('Anchor[zaqar::config::begin]')
    is_expected.to contain_anchor('zaqar::config::end').that_comes_before('Anchor[zaqar::dbsync::begin]')
    is_expected.to contain_anchor('zaqar::dbsync::end').that_comes_before('Anchor[zaqar::service::begin]')
  end

  it 'refreshes the services after new code or options' do
    is_expected.to contain_anchor('zaqar::install::end').that_notifies('Anchor[zaqar::service::begin]')
    is_expected.to contain_anchor('zaqar::config::end').that_notifies('Anchor[zaqar::service::begin]')
  end
end
