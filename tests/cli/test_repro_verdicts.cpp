// The reproducers of the soundness issues (../shared/repro/soundness2/, copied
// to tests/fixtures/soundness/), as users run them: every engine must give
// the verdict the spec has, with the exit code that says so.

#include <catch2/catch.hpp>

#include "support/spec_fixtures.h"

using stateproof::testing::run_stateproof;
using stateproof::testing::source_path;

namespace {

struct Repro {
    const char* file;
    std::vector<std::string> options;
    int exit_code;  // 0 everything holds, 1 a violation or deadlock, 2 a run-time error
    const char* expect;  // a line every engine's output must contain
};

}  // namespace

TEST_CASE("every engine gives the reproducers' verdicts", "[cli][solver]") {
    // nested_index_*: before the fix the explorer reported the invariant
    // violated (a write set that ran past the nested array) and k-induction
    // stopped on the explorer's cross-check.
    Repro r = GENERATE(values<Repro>({
        {"nested_index_write.sm", {}, 0, "holds     c0_false"},
        {"nested_index_shift.sm", {"--no-deadlock", "--invariant", "inv"}, 0, "holds     inv"},
        // dead_branch_*: rejected with exit 2 for a value error in a branch
        // the evaluator never takes for that quantifier or loop value.
        {"dead_branch_index.sm", {}, 0, "holds     ok"},
        {"dead_branch_division.sm", {}, 1, "holds     ok"},
        {"dead_branch_statement.sm", {}, 0, "holds     deadlock"},
        // declared_ranges: put(2) into `v: 0..1` went through, and y_small
        // was reported violated; it is a run-time error, in every engine.
        {"declared_ranges.sm", {}, 2, "value 2 is out of range 0..1 for 'v'"},
    }));
    std::string engine = GENERATE("explicit", "bmc", "kind");
    std::vector<std::string> args{"check", source_path(std::string("tests/fixtures/soundness/") + r.file), "--engine", engine};
    args.insert(args.end(), r.options.begin(), r.options.end());
    auto out = run_stateproof(args);
    INFO(r.file << " --engine " << engine << "\n" << out.out << out.err);
    CHECK(out.exit_code == r.exit_code);
    CHECK((out.out + out.err).find(r.expect) != std::string::npos);
}
