"""Sphinx configuration of the zaqar release notes (reno)."""

# Built offline: no intersphinx, nothing fetched at build time.
extensions = [
    'reno.sphinxext',
    'openstackdocstheme',
]

project = 'Zaqar Release Notes'
copyright = '2026, The zaqar team'
source_suffix = {'.rst': 'restructuredtext'}
master_doc = 'index'
exclude_patterns = []
pygments_style = 'native'

html_theme = 'openstackdocs'
openstackdocs_repo_name = 'openstack/zaqar'
openstackdocs_bug_project = 'zaqar'
openstackdocs_bug_tag = 'releasenotes'
openstackdocs_auto_name = False
openstackdocs_pdf_link = False
