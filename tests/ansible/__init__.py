"""The Ansible role (ansible/): lint, syntax, variables, real localhost runs."""
