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
