"""Sphinx configuration of the zaqar documentation."""

# Built offline: no intersphinx, nothing fetched at build time.
extensions = [
    'openstackdocstheme',
    'oslo_config.sphinxext',
    'oslo_policy.sphinxext',
]

project = 'Zaqar'
copyright = '2026, The zaqar team'
source_suffix = {'.rst': 'restructuredtext'}
master_doc = 'index'
exclude_patterns = []
pygments_style = 'native'

html_theme = 'openstackdocs'
openstackdocs_repo_name = 'openstack/zaqar'
openstackdocs_bug_project = 'zaqar'
openstackdocs_bug_tag = 'doc'
openstackdocs_auto_name = False
openstackdocs_pdf_link = False
