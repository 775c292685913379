#include "drivers/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <nlohmann/json.hpp>

#include "spec/diagnostics.h"

namespace stateproof::drivers {

using namespace stateproof::spec;
using nlohmann::json;

static constexpr int kProtocol = 1;

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

DriverProcess::DriverProcess(const std::string& command, const CompiledMachine& cm, double timeout_seconds)
    : cm_(cm), command_(command), timeout_(timeout_seconds) {
    int in[2], out[2], err[2];
    if (pipe(in) || pipe(out) || pipe(err)) throw UsageError("--driver: cannot create pipes: " + std::string(std::strerror(errno)));
    pid_t pid = fork();
    if (pid < 0) throw UsageError("--driver: cannot fork: " + std::string(std::strerror(errno)));
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
        execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    pid_ = pid;
    close(in[0]);
    close(out[1]);
    close(err[1]);
    in_ = in[1];
    out_ = out[0];
    err_ = err[0];
    // A driver that exits must not kill us with SIGPIPE: writes fail with EPIPE.
    signal(SIGPIPE, SIG_IGN);
    fcntl(err_, F_SETFL, fcntl(err_, F_GETFL) | O_NONBLOCK);

    write_all(json{{"op", "hello"}, {"protocol", kProtocol}}.dump() + "\n");
    json hello;
    std::string line = read_line();
    try {
        hello = json::parse(line);
    } catch (const json::exception&) {
        fail("its first line is not JSON: " + line.substr(0, 200));
    }
    if (hello.value("op", "") != "hello") fail("it did not answer the hello: " + line.substr(0, 200));
    if (hello.value("protocol", 0) != kProtocol)
        fail("it speaks protocol " + hello.value("protocol", json()).dump() + "; stateproof speaks " + std::to_string(kProtocol));
    implementation_ = hello.value("implementation", command_);
    const std::string& machine = cm_.machine().name;
    bool known = false;
    if (hello.contains("machines") && hello["machines"].is_array())
        for (const auto& m : hello["machines"]) known |= m.is_string() && m.get<std::string>() == machine;
    if (!known) fail("it does not run machine " + machine + " (it runs " + hello.value("machines", json::array()).dump() + ")");
}

DriverProcess::~DriverProcess() {
    if (in_ >= 0) {
        std::string bye = json{{"op", "bye"}}.dump() + "\n";
        (void)!::write(in_, bye.data(), bye.size());
        close(in_);
    }
    if (pid_ > 0) {
        for (int k = 0; k < 50; ++k) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            usleep(20000);
        }
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    if (out_ >= 0) close(out_);
    if (err_ >= 0) close(err_);
}

void DriverProcess::fail(const std::string& what) {
    // Collect what the driver said on stderr before it went wrong.
    char buf[4096];
    ssize_t n;
    while ((n = ::read(err_, buf, sizeof buf)) > 0) stderr_.append(buf, size_t(n));
    std::string msg = "--driver '" + command_ + "': " + what;
    if (!stderr_.empty()) {
        std::string tail = stderr_.size() > 2000 ? stderr_.substr(stderr_.size() - 2000) : stderr_;
        msg += "\n  the driver's stderr:\n" + tail;
    }
    throw UsageError(msg);
}

void DriverProcess::write_all(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(in_, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("it stopped reading its input (" + std::string(std::strerror(errno)) + ")");
        }
        done += size_t(n);
    }
}

std::string DriverProcess::read_line() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_);
    for (;;) {
        auto nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        auto left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) fail("no answer within " + std::to_string(int(timeout_)) + " s");
        pump(int(std::min(left, 1.0) * 1000) + 1, false);
    }
}

void DriverProcess::pump(int ms, bool want_write) {
    pollfd fds[3] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}, {in_, short(want_write ? POLLOUT : 0), 0}};
    if (poll(fds, 3, ms) < 0 && errno != EINTR) fail("poll failed");
    char buf[65536];
    if (fds[1].revents & POLLIN) {
        ssize_t n = ::read(err_, buf, sizeof buf);
        if (n > 0) {
            stderr_.append(buf, size_t(n));
            if (stderr_.size() > 65536) stderr_.erase(0, stderr_.size() - 65536);
        }
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
        ssize_t n = ::read(out_, buf, sizeof buf);
        if (n == 0) fail("it exited");
        if (n > 0) buffer_.append(buf, size_t(n));
    }
}

void DriverProcess::run(const std::vector<explorer::Scenario>& batch, std::vector<std::vector<ObservedStep>>& out) {
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
    fcntl(in_, F_SETFL, fcntl(in_, F_GETFL) | O_NONBLOCK);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_);
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
            fail("it stopped reading its input");
        }
        auto nl = buffer_.find('\n');
        if (nl == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline) fail("no answer within " + std::to_string(int(timeout_)) + " s");
            pump(200, written < request.size());
            continue;
        }
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_);
        json reply;
        try {
            reply = json::parse(line);
        } catch (const json::exception&) {
            fail("an answer is not JSON: " + line.substr(0, 200));
        }
        std::string op = reply.value("op", "");
        if (op == "error") fail("it reported an error: " + reply.value("message", line.substr(0, 200)));
        if (op != "trace") fail("unexpected answer: " + line.substr(0, 200));
        uint64_t id = reply.value("id", uint64_t(0));
        // Ids in a batch are consecutive: the answer's place is its offset.
        if (id < ids.front() || id > ids.back()) fail("an answer for an unknown scenario id " + std::to_string(id));
        size_t k = size_t(id - ids.front());
        const auto& sc = batch[k];
        std::vector<ObservedStep>& obs = out[k];
        if (reply.contains("unsupported")) {
            ObservedStep s;
            s.action = cm_.instance(sc[0]).action;
            s.args = cm_.instance(sc[0]).args;
            s.stopped = "unsupported: " + reply["unsupported"].get<std::string>();
            obs.push_back(s);
        } else {
            const json& steps = reply.value("steps", json::array());
            if (steps.size() > sc.size()) fail("it answered more steps than scenario " + std::to_string(id) + " has");
            for (size_t j = 0; j < steps.size(); ++j) {
                ObservedStep s;
                s.action = cm_.instance(sc[j]).action;
                s.args = cm_.instance(sc[j]).args;
                std::string where = "driver answer for scenario " + std::to_string(id) + " step " + std::to_string(j + 1);
                if (steps[j].contains("events")) s.events = events_from_json(m, steps[j]["events"], where);
                for (const char* key : {"inapplicable", "unsupported"})
                    if (steps[j].contains(key)) s.stopped = std::string(key) + ": " + steps[j][key].get<std::string>();
                obs.push_back(std::move(s));
            }
        }
        ++answered;
    }
    fcntl(in_, F_SETFL, fcntl(in_, F_GETFL) & ~O_NONBLOCK);
}

}  // namespace stateproof::drivers
