#include "support/spec_fixtures.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "spec/diagnostics.h"

namespace stateproof::testing {

std::string source_path(const std::string& relative) { return std::string(STATEPROOF_SOURCE_DIR) + "/" + relative; }

spec::Machine spec_from_text(const std::string& text, const spec::ConstOverrides& overrides) {
    return spec::load_spec_text("<test>", text, overrides);
}

std::string spec_error(const std::string& text) {
    try {
        spec_from_text(text);
    } catch (const spec::SpecError& e) {
        return e.render();
    }
    return "";
}

static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

RunResult run_stateproof(const std::vector<std::string>& args) {
    std::string dir = temp_dir();
    std::string out = dir + "/stdout", err = dir + "/stderr";
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(o, 1);
        dup2(e, 2);
        std::vector<char*> argv;
        std::string bin = STATEPROOF_BINARY;
        argv.push_back(bin.data());
        std::vector<std::string> copy = args;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(bin.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

std::string temp_dir() {
    char tmpl[] = "/tmp/stateproof-test-XXXXXX";
    char* d = mkdtemp(tmpl);
    if (!d) throw std::runtime_error("mkdtemp failed");
    return d;
}

}  // namespace stateproof::testing
