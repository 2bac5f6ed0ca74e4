"""Transport-agnostic operations: one function per API action.

Every transport (WSGI, WebSocket) parses its wire format, calls
``zaqar.api.dispatch(env, ctx, action, params)`` and renders the result.
"""
