#pragma once
// An implementation behind the driver protocol (docs/driver-protocol.md): a
// process started with `sh -c CMD`, scenarios to its stdin and traces from its
// stdout as JSON lines, many scenarios per process.

#include <memory>
#include <string>

#include "explorer/conform.h"

namespace stateproof::drivers {

class DriverProcess : public explorer::Implementation {
  public:
    /// Starts the driver and shakes hands. Throws UsageError if it cannot be
    /// started, speaks another protocol version, or does not know the machine.
    DriverProcess(const std::string& command, const spec::CompiledMachine& cm, double timeout_seconds = 60);
    ~DriverProcess() override;

    std::string name() const override { return implementation_; }
    void run(const std::vector<explorer::Scenario>& batch,
             std::vector<std::vector<spec::ObservedStep>>& out) override;

  private:
    std::string read_line();
    /// Waits up to `ms` for output (and, if `want_write`, for room in the
    /// driver's stdin); reads what stdout and stderr have. Fails if the
    /// driver exited.
    void pump(int ms, bool want_write);
    void write_all(const std::string& text);
    [[noreturn]] void fail(const std::string& what);

    const spec::CompiledMachine& cm_;
    std::string command_;
    double timeout_;
    int pid_ = -1;
    int in_ = -1, out_ = -1, err_ = -1;
    std::string buffer_;   // stdout bytes not yet consumed
    std::string stderr_;   // the driver's last stderr output, for error messages
    std::string implementation_;
    uint64_t next_id_ = 1;
    std::vector<std::string> step_json_;  // per instance: its request step, rendered once
    std::string consts_json_;
};

}  // namespace stateproof::drivers
