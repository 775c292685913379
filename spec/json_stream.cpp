#include "spec/json_stream.h"

#include <chrono>
#include <ostream>

namespace stateproof::spec {

using nlohmann::json;

StreamedJson::StreamedJson() {
    // A nonce, so that a name in the document cannot pass for a placeholder.
    auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    tag_ = "\x01stateproof-deferred-" + std::to_string(t) + "-" +
           std::to_string(reinterpret_cast<uintptr_t>(this)) + ":";
}

json StreamedJson::defer(size_t size, std::function<json(size_t)> element) {
    arrays_.push_back({size, std::move(element)});
    return tag_ + std::to_string(arrays_.size() - 1);
}

void StreamedJson::write(std::ostream& out, const json& doc) const {
    const std::string text = doc.dump(2);
    // The placeholder as dump() writes it: a string, its control byte escaped.
    const std::string quoted = json(tag_).dump();
    const std::string open = quoted.substr(0, quoted.size() - 1);  // without the closing quote
    size_t from = 0;
    for (;;) {
        size_t at = text.find(open, from);
        if (at == std::string::npos) break;
        size_t digits = at + open.size(), end = text.find('"', digits);
        size_t k = std::stoul(text.substr(digits, end - digits));
        out.write(text.data() + from, std::streamsize(at - from));
        // dump(2) indents a nested array's elements two spaces deeper than
        // the line that holds the array.
        size_t line = text.rfind('\n', at);
        line = line == std::string::npos ? 0 : line + 1;
        size_t depth = text.find_first_not_of(' ', line) - line;
        const Deferred& a = arrays_.at(k);
        if (a.size == 0) {
            out << "[]";
        } else {
            const std::string inner(depth + 2, ' ');
            out << "[\n";
            for (size_t i = 0; i < a.size; ++i) {
                std::string e = a.element(i).dump(2);
                out << inner;
                size_t p = 0;
                for (size_t nl; (nl = e.find('\n', p)) != std::string::npos; p = nl + 1)
                    out.write(e.data() + p, std::streamsize(nl + 1 - p)) << inner;
                out.write(e.data() + p, std::streamsize(e.size() - p));
                out << (i + 1 < a.size ? ",\n" : "\n");
            }
            out << std::string(depth, ' ') << "]";
        }
        from = end + 1;
    }
    out.write(text.data() + from, std::streamsize(text.size() - from));
}

}  // namespace stateproof::spec
