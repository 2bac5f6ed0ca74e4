"""Tests of the Puppet module in puppet/: lint, rspec-puppet, real applies."""
