// The malformed corpus: every file in tests/fixtures/malformed starts with
// `-- expect: LINE:COL: error: MESSAGE`, and loading it must raise exactly that
// located SpecError. Then random mutations of valid specs: whatever the text,
// loading and exploring may only succeed or raise SpecError/UsageError.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "explorer/bfs.h"
#include "spec/check.h"
#include "spec/eval.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;

static std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

static std::vector<std::string> malformed_files() {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(testing::source_path("tests/fixtures/malformed")))
        if (e.path().extension() == ".sm") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

// Loads a spec and, if it loads, explores a little of it (run-time errors).
static void load_and_explore(const std::string& name, const std::string& text) {
    Machine m = load_spec_text(name, text);
    CompiledMachine cm(m);
    explorer::SearchOptions o;
    o.limits.max_states = 2000;
    o.limits.max_memory_bytes = 64 << 20;
    for (uint32_t p = 0; p < m.properties.size(); ++p) o.properties.push_back(p);
    explorer::search(cm, o);
}

TEST_CASE("every malformed spec gives its located error message", "[spec][malformed]") {
    auto files = malformed_files();
    REQUIRE(files.size() >= 30);
    auto file = GENERATE_COPY(from_range(files));
    std::string text = read_file(file);
    const std::string tag = "-- expect: ";
    REQUIRE(text.rfind(tag, 0) == 0);
    std::string expect = text.substr(tag.size(), text.find('\n') - tag.size());
    std::string name = std::filesystem::path(file).filename().string();
    std::string got;
    try {
        load_and_explore(name, text);
    } catch (const SpecError& e) {
        got = e.render();
    }
    INFO(file);
    REQUIRE(got.rfind(name + ":" + expect + "\n", 0) == 0);
    // The rendering quotes the line and puts a caret under the column.
    auto colon = expect.find(':');
    uint32_t line = std::stoul(expect.substr(0, colon));
    uint32_t col = std::stoul(expect.substr(colon + 1));
    std::istringstream lines(text);
    std::string src;
    for (uint32_t i = 0; i < line; ++i) std::getline(lines, src);
    if (src.size() <= 120)
        CHECK(got.find("\n  " + src + "\n  " + std::string(col - 1, ' ') + "^\n") != std::string::npos);
    else  // a longer line is shown as a window around the column
        CHECK(got.find("...\n") != std::string::npos);
}

TEST_CASE("random mutations of valid specs never crash the checker or the explorer", "[spec][malformed]") {
    std::vector<std::string> seeds = {read_file(testing::source_path("docs/peterson.sm")),
                                      read_file(testing::source_path("tests/fixtures/counter_mod.sm")),
                                      read_file(testing::source_path("tests/fixtures/runtime_error.sm"))};
    const char* alphabet = "(){}[]:=<>.,'_-+*/%!&|\"\n abcxyz019";
    std::mt19937 rng(12345);
    int loaded = 0, rejected = 0;
    for (int round = 0; round < 1500; ++round) {
        std::string text = seeds[round % seeds.size()];
        int edits = 1 + int(rng() % 4);
        for (int k = 0; k < edits && !text.empty(); ++k) {
            size_t pos = rng() % text.size();
            switch (rng() % 3) {
            case 0: text.erase(pos, 1 + rng() % 3); break;
            case 1: text.insert(pos, 1, alphabet[rng() % std::strlen(alphabet)]); break;
            default: text[pos] = alphabet[rng() % std::strlen(alphabet)]; break;
            }
        }
        try {
            load_and_explore("<mutant>", text);
            ++loaded;
        } catch (const SpecError& e) {
            ++rejected;
            std::string r = e.render();
            INFO(text);
            REQUIRE(r.rfind("<mutant>:", 0) == 0);
            REQUIRE(r.find(": error: ") != std::string::npos);
        } catch (const UsageError&) {
            ++rejected;
        }
    }
    // Both outcomes must occur, or the mutations test nothing.
    CHECK(loaded > 10);
    CHECK(rejected > 500);
}

TEST_CASE("a NUL byte is an unexpected character with its line and column, shown harmlessly", "[spec][malformed]") {
    std::string path = testing::temp_dir() + "/nul.sm";
    {
        std::ofstream out(path, std::ios::binary);
        out << "machine M\nvar x : bool = false" << '\0' << "\n";
    }
    std::string got;
    try {
        load_spec(path);
    } catch (const SpecError& e) {
        got = e.render();
    }
    CHECK(got.rfind(path + ":2:21: error: unexpected character byte 0x00\n", 0) == 0);
    CHECK(got.find('\0') == std::string::npos);  // the quoted line shows it as '?'
    CHECK(got.find("  var x : bool = false?\n") != std::string::npos);
}

TEST_CASE("an expression chain of 150,000 terms is refused with a short message, not a stack overflow", "[spec][malformed]") {
    // The syntax tree of a + a + ... is as deep as the chain is long: freeing
    // it recursively crashed past about 110,000 terms.
    std::string text = "machine M\nvar x : 0..1 = 0\naction go when x == 0 { x := 1 }\ninvariant big: x";
    for (int k = 1; k < 150000; ++k) text += " + x";
    text += " >= 0\n";
    std::string got;
    try {
        load_spec_text("chain.sm", text);
    } catch (const SpecError& e) {
        got = e.render();
    }
    CHECK(got.rfind("chain.sm:4:", 0) == 0);
    CHECK(got.find("expression nested too deeply") != std::string::npos);
    // The quoted line is a window around the column, not 600,000 characters.
    CHECK(got.size() < 400);
    CHECK(got.find("...") != std::string::npos);
}
