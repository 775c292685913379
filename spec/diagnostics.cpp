#include "spec/diagnostics.h"

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
        out << "  " << line << '\n' << "  ";
        // Keep tabs so the caret lines up under the same column.
        for (uint32_t i = 1; i < loc_.col && i - 1 < line.size(); ++i)
            out << (line[i - 1] == '\t' ? '\t' : ' ');
        out << "^\n";
    }
    if (!detail_.empty()) {
        out << detail_;
        if (detail_.back() != '\n') out << '\n';
    }
    return out.str();
}

}  // namespace stateproof::spec
