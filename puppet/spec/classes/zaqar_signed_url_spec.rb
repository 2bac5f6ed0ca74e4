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
