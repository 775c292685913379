#pragma once
// Results and traces for people. Identical whatever engine produced them.

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/cmd_diff.h"
#include "cli/conform_profiles.h"
#include "cli/conform_sweep.h"
#include "explorer/conform.h"
#include "explorer/diff.h"
#include "explorer/explore.h"
#include "explorer/replay.h"
#include "solver/solver.h"
#include "spec/result.h"
#include "spec/trace.h"

namespace stateproof::cli {

struct TraceStyle {
    bool full_states = false;  ///< every variable at every step, not just changes
    std::string indent = "  ";
};

/// A trace, step by step: the action with its arguments, the events it
/// emitted, and the variables it changed (`x: 0 -> 1`).
std::string format_trace(const spec::Machine& m, const spec::Trace& t, const TraceStyle& style = {});
/// The same, written as it is made: a counterexample may have millions of steps.
void write_trace(std::ostream& out, const spec::Machine& m, const spec::Trace& t, const TraceStyle& style = {});

/// The constants in effect: `K=4 profile=cpython311 (overridden)`.
std::string format_consts(const spec::Machine& m);

/// A check report: header, one line per property, then each counterexample.
std::string format_check(const spec::Machine& m, const spec::CheckResult& r, const TraceStyle& style);
void write_check(std::ostream& out, const spec::Machine& m, const spec::CheckResult& r, const TraceStyle& style);

/// An explore report: counts, diameter, deadlocks, coverage.
std::string format_explore(const spec::Machine& m, const spec::CompiledMachine& cm,
                           const explorer::ExploreResult& r, const TraceStyle& style);
void write_explore(std::ostream& out, const spec::Machine& m, const spec::CompiledMachine& cm,
                   const explorer::ExploreResult& r, const TraceStyle& style);

/// `--engine all`: each engine's time and reach, then one row per property
/// with every engine's verdict (`VIOLATED (6)`, `proved (k=2)`, `holds (<= 19)`).
std::string format_comparison(const spec::Machine& m, const std::vector<spec::CheckResult>& results);

/// A conformance divergence class, numbered: its signature, how often it was
/// seen, its shortest scenario step by step up to the first difference (the
/// implementation's events against the spec's, or the false guard), and the
/// spec's state before it (changed-only, or every variable with
/// `style.full_states`). `where`, if given, is printed under the signature
/// (a sweep's configurations).
std::string format_divergence(const spec::CompiledMachine& cm, const explorer::Divergence& d, size_t number,
                              const TraceStyle& style = {}, const std::string& where = "");

/// One cause (ConformResult::groups[group], numbered from 1): its key, the
/// scenarios behind it, each of its classes in one line (number, baseline
/// status, scenarios, signature), then its shortest class in full, as
/// format_divergence shows it.
std::string format_divergence_group(const spec::CompiledMachine& cm, const explorer::ConformResult& r, size_t group,
                                    const TraceStyle& style = {});

/// A sweep's class, numbered, as format_divergence: its scenarios over every
/// configuration, and the configurations it was found in, the one whose
/// shortest scenario is shown marked.
std::string format_sweep_divergence(const Sweep& sweep, const SweepClass& c, size_t number, const TraceStyle& style = {});

/// `conform --sweep`: the fixed constants and the implementation, a table
/// with a row per configuration (a column per swept constant, its scenarios
/// and divergence classes), the totals, then every class once
/// (format_sweep_divergence).
std::string format_sweep(const std::string& spec_path, const Sweep& sweep, const TraceStyle& style = {});

/// The --profile auto table: each profile with its scenarios and divergence
/// classes, the closest marked, and one line that sums it up; or, when the
/// profiles did not all run to the end, `stopped_early` in its place.
std::string format_profile_table(const std::string& spec_path, const std::vector<ProfileRun>& runs,
                                 const ProfileRun& chosen, const std::string& stopped_early = "");
/// A conformance report: the implementation, the scenarios run, the spec
/// transitions they covered, then the divergences by cause
/// (format_divergence_group).
std::string format_conform(const spec::CompiledMachine& cm, const std::string& spec_path,
                           const explorer::ConformResult& r, const TraceStyle& style = {});

/// One difference class of `diff`, numbered: its signature, how often it was
/// seen, its shortest scenario step by step (the events of the steps before,
/// the same on both sides), both sides' events at the first difference, and
/// the two states before it.
std::string format_diff_class(const DiffSides& sides, const explorer::DiffClass& d, size_t number,
                              const TraceStyle& style = {});
/// A diff report: the two configurations, the product explored, then the
/// differences by cause (each cause's classes in a line, its shortest in full).
std::string format_diff(const DiffSides& sides, const std::string& spec_path, const explorer::DiffResult& r,
                        const TraceStyle& style = {});

/// Events, space-separated (`NewAwaitable(0) Yielded(1)`), or `none` if
/// there are none. Conform and replay print events this one way.
std::string format_events(const spec::CompiledMachine& cm, const std::vector<spec::EventValue>& evs,
                          const std::string& none = "(no events)");

/// A step an implementation took: `anext(s=0) -> NewAwaitable(0)`.
std::string format_observed(const spec::CompiledMachine& cm, const spec::ObservedStep& s);

/// A replay mismatch (`FILE:LINE: step N is not a behaviour of SPEC`): what
/// the implementation did, what the spec would have done in the states
/// consistent with the steps before (or why it allows no such step), the
/// last matched steps, and those spec states.
std::string format_mismatch(const spec::CompiledMachine& cm, const std::string& file,
                            const explorer::ReplayMismatch& r);

/// `replay`, one trace: `FILE: conforms (N steps)`, or the mismatch report
/// when `mismatch` is not null.
std::string format_replay(const spec::CompiledMachine& cm, const std::string& file, uint64_t matched,
                          const explorer::ReplayMismatch* mismatch);

/// `replay --engine smt`, one trace: conforms, or the line of the first step
/// the query could not match and why.
/// A replay stopped by --max-seconds or a signal: how far it got
/// (`total`: the trace's length when known, else 0).
std::string format_replay_stopped(const std::string& file, uint64_t replayed, uint64_t total, const std::string& why);
std::string format_trace_query(const std::string& file, const std::string& spec_path,
                               const std::vector<spec::ObservedStep>& steps, const solver::TraceQueryResult& q);

/// `1.2 s`, `35 ms`.
std::string format_seconds(double s);

}  // namespace stateproof::cli
