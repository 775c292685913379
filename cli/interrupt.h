#pragma once
// SIGINT and SIGTERM ask a running command to stop and report what it has
// found (exit 128 + the signal, as shells expect); a second signal ends the
// process at once, the way it would have without us.

namespace stateproof::cli {

void catch_interrupts();
/// The signal that asked to stop, or 0.
int interrupt_signal();

}  // namespace stateproof::cli
