"""Guest-agent messaging over Zaqar: an oslo.messaging driver and its CLI.

Importable without the server's dependencies: only requests, oslo.messaging
and (for the Keystone mode) keystoneauth1 are needed on a guest.
"""
