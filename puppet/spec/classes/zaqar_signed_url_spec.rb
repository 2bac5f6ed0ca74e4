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

describe 'zaqar::signed_url' do
  context 'with a key' do
    let(:params) { { secret_key: 'k3y' } }

    it { is_expected.to compile.with_all_deps }
    it { is_expected.to contain_zaqar_config('signed_url/secret_key').with(value: 'k3y', secret: true) }
    it { is_expected.to contain_zaqar_config('signed_url/enabled').with_value(SERVICE_DEFAULT) }
  end

  context 'required on' do
    let(:params) { { secret_key: 'k3y', enabled: true } }

    it { is_expected.to contain_zaqar_config('signed_url/enabled').with_value(true) }
  end

  context 'without a key' do
    it { is_expected.to compile.and_raise_error(%r{secret_key}) }
  end
end
