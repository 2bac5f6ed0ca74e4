"""The storage contract suite: one set of tests run against every driver."""
