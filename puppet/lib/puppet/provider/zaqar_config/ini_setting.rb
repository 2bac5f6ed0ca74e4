# zaqar_config on top of openstacklib's openstack_config/ini_setting
# provider (itself puppetlabs-inifile's ini_setting), with the file taken
# from the resource's path parameter rather than a fixed location.
Puppet::Type.type(:zaqar_config).provide(
  :ini_setting,
  parent: Puppet::Type.type(:openstack_config).provider(:ini_setting),
) do
  def self.file_path
    '/etc/zaqar/zaqar.conf'
  end

  def file_path
    resource[:path] || self.class.file_path
  end
end
