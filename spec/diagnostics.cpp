#include "spec/diagnostics.h"

#include <algorithm>
#include <sstream>

namespace stateproof::spec {

SourceFile::SourceFile(std::string name_, std::string text_)
    : name(std::move(name_)), text(std::move(text_)) {
    line_starts.push_back(0);
    for (uint32_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') line_starts.push_back(i + 1);
}

std::string_view SourceFile::line_text(uint32_t line) const {
    if (line == 0 || line > line_starts.size()) return {};
    uint32_t begin = line_starts[line - 1];
    uint32_t end = line < line_starts.size() ? line_starts[line] : uint32_t(text.size());
    std::string_view s(text.data() + begin, end - begin);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

static std::string first_line(const std::shared_ptr<const SourceFile>& f, SourceLoc loc,
                              const std::string& message) {
    std::ostringstream out;
    out << (f ? f->name : std::string("<spec>"));
    if (loc.line) out << ':' << loc.line << ':' << loc.col;
    out << ": error: " << message;
    return out.str();
}

SpecError::SpecError(std::shared_ptr<const SourceFile> file, SourceLoc loc, std::string message,
                     std::string detail)
    : std::runtime_error(first_line(file, loc, message)),
      file_(std::move(file)),
      loc_(loc),
      message_(std::move(message)),
      detail_(std::move(detail)) {}

const std::string& SpecError::file_name() const {
    static const std::string unknown = "<spec>";
    return file_ ? file_->name : unknown;
}

std::string SpecError::render() const {
    std::ostringstream out;
    out << what() << '\n';
    if (file_ && loc_.line) {
        std::string_view line = file_->line_text(loc_.line);
        // A long line (a generated spec can put 100,000 terms on one) is
        // shown as a window around the column, marked with "...".
        constexpr size_t kWidth = 120;
        size_t col = loc_.col ? loc_.col - 1 : 0, from = 0;
        std::string_view shown = line;
        if (line.size() > kWidth) {
            from = col > kWidth / 2 ? std::min(col - kWidth / 2, line.size() - kWidth) : 0;
            shown = line.substr(from, kWidth);
        }
        std::string before = from ? "..." : "", after = from + shown.size() < line.size() ? "..." : "";
        // Control bytes (a NUL, a stray escape) would garble the terminal.
        std::string text(shown);
        for (char& c : text)
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) c = '?';
        out << "  " << before << text << after << '\n' << "  " << std::string(before.size(), ' ');
        // Keep tabs so the caret lines up under the same column.
        for (size_t i = from; i < col && i < line.size(); ++i) out << (line[i] == '\t' ? '\t' : ' ');
        out << "^\n";
    }
    if (!detail_.empty()) {
        out << detail_;
        if (detail_.back() != '\n') out << '\n';
    }
    return out.str();
}

}  // namespace stateproof::spec
