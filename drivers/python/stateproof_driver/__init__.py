"""stateproof's driver for Python implementations: runs scenarios, reports traces.

The protocol (docs/driver-protocol.md) is JSON lines over stdin/stdout. Each
machine the driver knows is a module with a `run(steps, consts, recorder)`
function; the names of actions and events are the spec's own.
"""
