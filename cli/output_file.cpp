#include "cli/output_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "spec/diagnostics.h"

namespace stateproof::cli {

void write_file_atomically(const std::string& path, const std::string& text) {
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
        out << text;
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

}  // namespace stateproof::cli
