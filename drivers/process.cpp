#include "drivers/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>

#include <nlohmann/json.hpp>

#include "drivers/answer.h"
#include "spec/diagnostics.h"

namespace stateproof::drivers {

using namespace stateproof::spec;
using nlohmann::json;

static constexpr int kProtocol = 1;
/// How long the hello may take at least, whatever --timeout says (see DriverProcess::start).
static constexpr double kHelloSeconds = 30;

static json consts_of(const Machine& m) {
    json c = json::object();
    for (const auto& k : m.consts) {
        const Type& t = m.types[k.type];
        if (t.kind == Type::Kind::Int) c[k.name] = k.value;
        else if (t.kind == Type::Kind::Bool) c[k.name] = k.value != 0;
        else c[k.name] = m.format_value(k.type, k.value);
    }
    return c;
}

std::string format_timeout(double seconds) {
    std::ostringstream s;
    s << seconds << " s";
    return s.str();
}

DriverProcess::DriverProcess(const std::string& command, const CompiledMachine& cm, double timeout_seconds)
    : cm_(cm), command_(command), timeout_(timeout_seconds) {
    // A driver that exits must not kill us with SIGPIPE: writes fail with EPIPE.
    signal(SIGPIPE, SIG_IGN);
    start();
}

DriverProcess::~DriverProcess() { stop(); }

void DriverProcess::start() {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        throw UsageError("--driver: cannot create pipes: " + std::string(std::strerror(errno)));
    pid_t pid = fork();
    if (pid < 0) throw UsageError("--driver: cannot fork: " + std::string(std::strerror(errno)));
    if (pid == 0) {
        // A process group of its own: ending the driver ends what it started.
        setpgid(0, 0);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        execl("/bin/sh", "sh", "-c", command_.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    setpgid(pid, pid);  // also here: no race with the child's own call
    pid_ = pid;
    close(in[0]);
    close(out[1]);
    close(err[1]);
    in_ = in[1];
    out_ = out[0];
    err_ = err[0];
    fcntl(in_, F_SETFL, fcntl(in_, F_GETFL) | O_NONBLOCK);
    fcntl(err_, F_SETFL, fcntl(err_, F_GETFL) | O_NONBLOCK);
    eof_ = false;
    buffer_.clear();
    head_ = scanned_ = 0;
    stderr_.clear();

    json hello;
    std::string line;
    try {
        std::string text = json{{"op", "hello"}, {"protocol", kProtocol}}.dump() + "\n";
        for (size_t done = 0; done < text.size();) {
            ssize_t n = ::write(in_, text.data() + done, text.size() - done);
            if (n > 0) done += size_t(n);
            else if (n < 0 && errno == EPIPE) died("before it read the hello");
            else pump(100, true);
        }
        // --timeout bounds the answer to a scenario; an interpreter starting
        // on a loaded machine may take longer than a short one to say hello.
        line = read_line(std::max(timeout_, kHelloSeconds));
    } catch (const Failed& f) {
        fail_start((f.fault.kind.rfind("exit", 0) == 0 || f.fault.kind.rfind("crash", 0) == 0 ? "it exited (" + f.fault.kind + ")"
                                                                                                : f.fault.kind) +
                   " before answering the hello");
    }
    hello = json::parse(line, nullptr, false);
    if (hello.is_discarded()) fail_start("its first line is not JSON: " + line.substr(0, 200));
    if (!hello.is_object() || hello.value("op", json()) != "hello") fail_start("it did not answer the hello: " + line.substr(0, 200));
    if (hello.value("protocol", json()) != kProtocol)
        fail_start("it speaks protocol " + hello.value("protocol", json()).dump() + "; stateproof speaks " + std::to_string(kProtocol));
    implementation_ = hello.contains("implementation") && hello["implementation"].is_string()
                          ? hello["implementation"].get<std::string>()
                          : command_;
    const std::string& machine = cm_.machine().name;
    bool known = false;
    if (hello.contains("machines") && hello["machines"].is_array())
        for (const auto& m : hello["machines"]) known |= m.is_string() && m.get<std::string>() == machine;
    if (!known) fail_start("it does not run machine " + machine + " (it runs " + hello.value("machines", json::array()).dump() + ")");
}

void DriverProcess::stop() {
    if (in_ >= 0) {
        std::string bye = json{{"op", "bye"}}.dump() + "\n";
        (void)!::write(in_, bye.data(), bye.size());
        close(in_);
        in_ = -1;
    }
    if (pid_ > 0) {
        // A second to leave on its own after bye and end of input, then the
        // whole group goes: a spinning interpreter must not keep a core.
        for (int k = 0; k < 50 && waitpid(pid_, nullptr, WNOHANG) != pid_; ++k) usleep(20000);
        kill(-pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    if (out_ >= 0) close(out_);
    if (err_ >= 0) close(err_);
    out_ = err_ = -1;
}

void DriverProcess::restart() {
    stop();
    start();
}

std::string DriverProcess::stderr_tail() {
    char buf[4096];
    ssize_t n;
    while (err_ >= 0 && (n = ::read(err_, buf, sizeof buf)) > 0) stderr_.append(buf, size_t(n));
    return stderr_.size() > 2000 ? stderr_.substr(stderr_.size() - 2000) : stderr_;
}

void DriverProcess::fail_start(const std::string& what) {
    std::string msg = "--driver '" + command_ + "': " + what;
    std::string tail = stderr_tail();
    if (!tail.empty()) msg += "\n  the driver's stderr:\n" + tail;
    stop();
    throw UsageError(msg);
}

void DriverProcess::failed(std::string kind, const std::string& detail) {
    throw Failed{{std::move(kind), detail}};
}

void DriverProcess::died(const std::string& when) {
    // Its stdout ended or its stdin broke: how did it end? A driver run
    // through `sh -c` that dies by signal N is reported by sh as exit 128+N.
    int status = 0;
    bool ended = false;
    for (int k = 0; k < 100 && !ended; ++k) {
        ended = waitpid(pid_, &status, WNOHANG) == pid_;
        if (!ended) usleep(20000);
    }
    if (!ended) failed("protocol: it closed its output", "it closed its stdout " + when + " but kept running");
    pid_ = -1;
    std::string kind;
    if (WIFSIGNALED(status)) kind = "crash (signal " + std::to_string(WTERMSIG(status)) + ")";
    else if (WEXITSTATUS(status) > 128 && WEXITSTATUS(status) <= 128 + 64)
        kind = "crash (signal " + std::to_string(WEXITSTATUS(status) - 128) + ")";
    else kind = "exit " + std::to_string(WEXITSTATUS(status));
    failed(kind, "it ended " + when);
}

bool DriverProcess::take_line(std::string& line) {
    // Only bytes not searched before are searched: a long line arriving in
    // many chunks costs its length once, not once per chunk.
    size_t nl = buffer_.find('\n', std::max(scanned_, head_));
    if (nl == std::string::npos) {
        scanned_ = buffer_.size();
        return false;
    }
    line.assign(buffer_, head_, nl - head_);
    head_ = scanned_ = nl + 1;
    if (head_ > 65536 && head_ * 2 > buffer_.size()) {
        buffer_.erase(0, head_);
        scanned_ -= head_;
        head_ = 0;
    }
    return true;
}

std::string DriverProcess::read_line(double timeout) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
    std::string line;
    for (;;) {
        if (take_line(line)) return line;
        if (eof_) died("while it was expected to answer");
        auto left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) failed("hang (> " + format_timeout(timeout) + ")", "no answer within " + format_timeout(timeout));
        pump(int(std::min(left, 1.0) * 1000) + 1, false);
    }
}

void DriverProcess::pump(int ms, bool want_write) {
    pollfd fds[3] = {{out_, short(eof_ ? 0 : POLLIN), 0}, {err_, POLLIN, 0}, {in_, short(want_write ? POLLOUT : 0), 0}};
    if (poll(fds, 3, ms) < 0 && errno != EINTR) failed("protocol: poll failed", std::strerror(errno));
    char buf[65536];
    if (fds[1].revents & POLLIN) {
        ssize_t n = ::read(err_, buf, sizeof buf);
        if (n > 0) {
            stderr_.append(buf, size_t(n));
            if (stderr_.size() > 65536) stderr_.erase(0, stderr_.size() - 65536);
        }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = ::read(out_, buf, sizeof buf);
        if (n == 0) eof_ = true;
        if (n > 0) buffer_.append(buf, size_t(n));
    }
}

size_t DriverProcess::run(const std::vector<explorer::Scenario>& batch, std::vector<std::vector<ObservedStep>>& out,
                          explorer::Fault& fault) {
    const Machine& m = cm_.machine();
    if (step_json_.empty()) {
        // Requests are spliced from text rendered once: building JSON values
        // per scenario would cost more than the driver takes to run one.
        for (uint32_t i = 0; i < cm_.instance_count(); ++i) {
            ObservedStep s;
            s.action = cm_.instance(i).action;
            s.args = cm_.instance(i).args;
            json st = step_to_json(m, s);
            st.erase("events");
            step_json_.push_back(st.dump());
        }
        consts_json_ = json(m.name).dump() + ",\"consts\":" + consts_of(m).dump();
    }
    // Pipelined: the batch is written as fast as the pipe takes it while the
    // answers are read, so neither side blocks on a full pipe.
    std::vector<uint64_t> ids;
    std::string request;
    for (const auto& sc : batch) {
        uint64_t id = next_id_++;
        ids.push_back(id);
        request += "{\"op\":\"run\",\"id\":" + std::to_string(id) + ",\"machine\":" + consts_json_ + ",\"steps\":[";
        for (size_t k = 0; k < sc.size(); ++k) {
            if (k) request += ',';
            request += step_json_[sc[k]];
        }
        request += "]}\n";
    }
    out.assign(batch.size(), {});
    size_t written = 0, answered = 0;
    try {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_);
        std::string line;
        while (answered < batch.size()) {
            // Write what the pipe takes, then consume whole answer lines.
            while (written < request.size()) {
                ssize_t n = ::write(in_, request.data() + written, request.size() - written);
                if (n > 0) {
                    written += size_t(n);
                    continue;
                }
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                if (n < 0 && errno == EINTR) continue;
                died("while scenarios were being written to it");
            }
            if (!take_line(line)) {
                if (interrupted && interrupted()) failed("interrupted", "");
                if (eof_) died("while it was expected to answer");
                if (std::chrono::steady_clock::now() > deadline)
                    failed("hang (> " + format_timeout(timeout_) + ")", "no answer within " + format_timeout(timeout_));
                pump(200, written < request.size());
                continue;
            }
            deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_);
            try {
                read_answer(cm_, line, batch[answered], ids[answered], out[answered]);
            } catch (const BadAnswer& b) {
                failed(b.fault.kind, b.fault.detail);
            }
            ++answered;
        }
    } catch (const Failed& f) {
        fault = f.fault;
        std::string tail = stderr_tail();
        if (!tail.empty()) {
            for (size_t at = 0; (at = tail.find('\n', at)) != std::string::npos && at + 1 < tail.size(); at += 3)
                tail.replace(at, 1, "\n  ");
            fault.detail += "\nthe driver's stderr:\n  " + tail;
        }
        stop();
        return answered;
    }
    return answered;
}

}  // namespace stateproof::drivers
