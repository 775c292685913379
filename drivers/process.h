#pragma once
// An implementation behind the driver protocol (docs/driver-protocol.md): a
// process started with `sh -c CMD`, scenarios to its stdin and traces from its
// stdout as JSON lines, many scenarios per process.
//
// What the driver does while it runs scenarios is the implementation's
// behaviour, never bad input: dying, staying silent or answering outside the
// protocol is a Fault of the scenario it was running, and the process (with
// everything it started) is ended so it can be started afresh. Only a driver
// that cannot start or fails the hello is a usage error.

#include <sys/types.h>

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
    size_t run(const std::vector<explorer::Scenario>& batch, std::vector<std::vector<spec::ObservedStep>>& out,
               explorer::Fault& fault) override;
    void restart() override;

  private:
    /// Thrown inside run() when the driver fails; run() turns it into its Fault.
    struct Failed {
        explorer::Fault fault;
    };

    void start();
    /// Says bye, then ends the driver's whole process group (a driver that
    /// timed out may still be spinning, and may have started children).
    void stop();
    /// The next line of stdout, or throws Failed (exit, signal, silence).
    std::string read_line(double timeout);
    /// Waits up to `ms` for output (and, if `want_write`, for room in the
    /// driver's stdin); reads what stdout and stderr have.
    void pump(int ms, bool want_write);
    /// The line at the head of the buffer, if a whole one has arrived.
    bool take_line(std::string& line);
    /// The fault of a driver whose stdout ended: how it exited.
    [[noreturn]] void died(const std::string& when);
    [[noreturn]] void failed(std::string kind, const std::string& detail);
    /// A usage error (before the hello is done), quoting stderr.
    [[noreturn]] void fail_start(const std::string& what);
    std::string stderr_tail();

    const spec::CompiledMachine& cm_;
    std::string command_;
    double timeout_;
    pid_t pid_ = -1;
    int in_ = -1, out_ = -1, err_ = -1;
    bool eof_ = false;
    std::string buffer_;      // stdout bytes not yet consumed, from head_
    size_t head_ = 0;         // start of the unconsumed bytes in buffer_
    size_t scanned_ = 0;      // buffer_ holds no newline in [head_, scanned_)
    std::string stderr_;      // the driver's last stderr output, for reports
    std::string implementation_;
    uint64_t next_id_ = 1;
    std::vector<std::string> step_json_;  // per instance: its request step, rendered once
    std::string consts_json_;
};

/// "0.5 s", "60 s": a timeout for people.
std::string format_timeout(double seconds);

}  // namespace stateproof::drivers
