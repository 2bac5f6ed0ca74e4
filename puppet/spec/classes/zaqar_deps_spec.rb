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
