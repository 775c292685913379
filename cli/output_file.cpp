#include "cli/output_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include "spec/diagnostics.h"

namespace stateproof::cli {

void write_file_atomically(const std::string& path, const std::string& text) {
    write_file_atomically(path, [&](std::ostream& out) { out << text; });
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    namespace fs = std::filesystem;
    fs::path target(path);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw spec::UsageError(path + ": cannot write: directory " + dir.string() + " does not exist");
    if (fs::is_directory(target, ec)) throw spec::UsageError(path + ": cannot write: it is a directory");
    // Built with += : GCC 12 reports a false -Wrestrict on "." + string.
    std::string tmp_name = ".";
    tmp_name += target.filename().string();
    tmp_name += ".tmp";
    tmp_name += std::to_string(::getpid());
    fs::path tmp = dir / tmp_name;
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw spec::UsageError(path + ": cannot write: " + std::strerror(errno));
        try {
            write(out);
        } catch (...) {
            out.close();
            fs::remove(tmp, ec);  // a failure half-way leaves no temporary file behind
            throw;
        }
        out.flush();
        if (!out) {
            fs::remove(tmp, ec);
            throw spec::UsageError(path + ": cannot write (disk full?)");
        }
    }
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw spec::UsageError(path + ": cannot write: " + ec.message());
    }
}

namespace {

// Why `dir` cannot hold new files, or "" if it can.
std::string unwritable_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) return "directory " + dir.string() + " does not exist";
    if (!std::filesystem::is_directory(dir, ec)) return dir.string() + " is not a directory";
    if (::access(dir.c_str(), W_OK | X_OK) != 0) return "directory " + dir.string() + ": " + std::strerror(errno);
    return "";
}

}  // namespace

void check_output_file(const std::string& option, const std::string& path) {
    namespace fs = std::filesystem;
    fs::path target(path);
    std::error_code ec;
    if (path.empty()) throw spec::UsageError(option + ": needs a file name");
    if (fs::is_directory(target, ec)) throw spec::UsageError(option + " " + path + ": cannot write: it is a directory");
    std::string why = unwritable_dir(target.has_parent_path() ? target.parent_path() : fs::path("."));
    if (!why.empty()) throw spec::UsageError(option + " " + path + ": cannot write: " + why);
    if (fs::exists(target, ec) && ::access(path.c_str(), W_OK) != 0)
        throw spec::UsageError(option + " " + path + ": cannot write: " + std::strerror(errno));
}

void check_output_dir(const std::string& option, const std::string& path) {
    namespace fs = std::filesystem;
    if (path.empty()) throw spec::UsageError(option + ": needs a directory name");
    fs::path dir = fs::absolute(fs::path(path)).lexically_normal();
    std::error_code ec;
    // The nearest part of the path that exists must be a writable folder.
    while (!fs::exists(dir, ec) && dir.has_parent_path() && dir.parent_path() != dir) dir = dir.parent_path();
    std::string why = unwritable_dir(dir);
    if (!why.empty()) throw spec::UsageError(option + " " + path + ": cannot create files there: " + why);
}

void LateOutputs::attempt(const std::function<void()>& write) {
    try {
        write();
    } catch (const spec::UsageError& e) {
        errors_.push_back(e.what());
    }
}

int LateOutputs::finish(int code) const {
    std::cout.flush();
    for (const auto& e : errors_) std::cerr << "stateproof: error: " << e << "\n";
    return errors_.empty() ? code : spec::exit_code::bad_input;
}

}  // namespace stateproof::cli
