"""How zaqar-server serves the WSGI application to hostile networks.

gunicorn manages the processes (one per core by default, graceful stop on
SIGTERM); in each, uvicorn's event loop reads whole requests (headers and
body, each under its own deadline and size limit) before a thread of a
bounded pool runs the WSGI application on them. A slow, idle or silent
client costs a socket and a timer, never a thread.
"""
