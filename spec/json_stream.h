#pragma once
// JSON documents too long to hold as one DOM: a counterexample of millions of
// steps is a few hundred bytes a step as text, and several times that as a
// nlohmann::json tree (issue 13, part 1: a 10-million-step counterexample ran
// out of memory). Such an array is a placeholder in the DOM, and its elements
// are made and written one at a time.

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stateproof::spec {

class StreamedJson {
  public:
    StreamedJson();
    /// A placeholder to put in the DOM where the array of `size` elements
    /// `element(0)`, ..., `element(size - 1)` goes. `element` is called while
    /// write() runs, so what it refers to must live until then.
    nlohmann::json defer(size_t size, std::function<nlohmann::json(size_t)> element);
    /// Writes `doc` exactly as `doc.dump(2)` would with each deferred array in
    /// its place, one element at a time.
    void write(std::ostream& out, const nlohmann::json& doc) const;

  private:
    struct Deferred {
        size_t size;
        std::function<nlohmann::json(size_t)> element;
    };
    std::vector<Deferred> arrays_;
    std::string tag_;  // "\u0001<nonce>:" : no string a spec or trace holds begins so
};

}  // namespace stateproof::spec
