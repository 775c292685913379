#pragma once
// Results as JSON for tools and CI.

#include <nlohmann/json.hpp>

#include "cli/cmd_diff.h"
#include "cli/conform_profiles.h"
#include "cli/conform_sweep.h"
#include "explorer/conform.h"
#include "explorer/diff.h"
#include "explorer/explore.h"
#include "explorer/replay.h"
#include "solver/solver.h"
#include "spec/json_stream.h"
#include "spec/result.h"
#include "spec/trace.h"

namespace stateproof::cli {

/// {"spec", "machine", "consts", "engine", "stats", "properties": [{"name",
/// "kind", "verdict", "reason", "cex_length", "cex" (ITF)}], "exit_code"}.
/// With `traces`, each counterexample's states are deferred to it, to be
/// written one at a time (`traces->write(out, doc)`): a counterexample may
/// have millions of steps.
nlohmann::json check_json(const spec::Machine& m, const spec::CheckResult& r, spec::StreamedJson* traces = nullptr);

/// {"spec", "machine", "consts", "states", "transitions", "diameter",
/// "deadlocks", "complete", "coverage": [...], ...}.
/// `traces` as for check_json.
nlohmann::json explore_json(const spec::Machine& m, const spec::CompiledMachine& cm, const explorer::ExploreResult& r,
                            spec::StreamedJson* traces = nullptr);

/// `--engine all`: {"spec", "engines": [check_json...], "disagreements": [...]}.
nlohmann::json comparison_json(const spec::Machine& m, const std::vector<spec::CheckResult>& results,
                               const std::vector<std::string>& disagreements, spec::StreamedJson* traces = nullptr);

/// `conform --json`: {"spec", "implementation", "consts", "scenarios", "steps",
/// "unsupported", "spec_states", "spec_transitions", "transitions_covered",
/// "seconds", "divergences": [{"signature", "in_baseline", "occurrences",
/// "scenario", "spec_events_at_divergence", "guard_false"}], "new_divergences",
/// "exit_code"}.
nlohmann::json conform_json(const spec::CompiledMachine& cm, const std::string& spec_path,
                            const explorer::ConformResult& r);
/// One divergence class of conform --json.
nlohmann::json divergence_json(const spec::CompiledMachine& cm, const explorer::Divergence& d);

/// `diff --json`: {"spec", "left": {consts}, "right": {consts}, "product_states",
/// "product_transitions", "left_states", "right_states", "depth", "deterministic",
/// "seconds", "complete", "differences": [{"signature", "group", "occurrences",
/// "scenario": [steps with the events before the difference], "left_events",
/// "right_events" (lists of event lists; empty: the step is not possible),
/// "guard_false", "left_state", "right_state"}], "groups": [{"key",
/// "occurrences", "differences": [indices]}], "exit_code", and
/// "stopped_early" / "interrupted_by_signal" when so}.
nlohmann::json diff_json(const DiffSides& sides, const std::string& spec_path, const explorer::DiffResult& r, int exit_code);

/// `conform --sweep --json`: {"spec", "implementation", "consts" (the fixed
/// ones), "swept", "configurations_total", "configurations": [{"consts" (the
/// swept ones), "scenarios", "steps", "unsupported", "spec_transitions",
/// "transitions_covered", "seconds", "divergences", "new_divergences", and
/// "restarts", "stopped_early", "interrupted_by_signal" when so}],
/// "scenarios", "steps", "seconds", "divergences": [as conform's, over every
/// configuration, with "scenario_consts" (the configuration the scenario
/// ran under) and "configurations": [{"consts", "occurrences"}]],
/// "new_divergences", "exit_code", "interrupted_by_signal" when so}.
nlohmann::json sweep_json(const std::string& spec_path, const Sweep& sweep);

/// `replay --json`, one trace: {"trace", "conforms", "steps_matched",
/// "implementation" (from its header), and when `mismatch` is not null "line",
/// "step", "observed", "spec_would_emit", "guard_false", "spec_would_accept"}.
nlohmann::json replay_trace_json(const spec::CompiledMachine& cm, const std::string& path,
                                 const std::optional<spec::TraceHeader>& header, uint64_t matched,
                                 const explorer::ReplayMismatch* mismatch);

/// `replay --engine smt --json`, one trace: {"trace", "conforms",
/// "steps_matched", "engine": "smt", and when it does not conform "reason", "line"}.
nlohmann::json trace_query_json(const std::string& path, const std::vector<spec::ObservedStep>& steps,
                                const solver::TraceQueryResult& q);

/// `replay --json`: {"spec", "traces": [one per trace], "exit_code"}.
/// {"trace", "stopped": why, "steps_replayed", "steps" (when known), "interrupted_by_signal" (when so)}
nlohmann::json replay_stopped_json(const std::string& path, uint64_t replayed, uint64_t total, const std::string& why,
                                   int signal);
nlohmann::json replay_json(const std::string& spec_path, const nlohmann::json& traces, bool all_conform);

nlohmann::json stats_json(const spec::Stats& s);
nlohmann::json consts_json(const spec::Machine& m);

/// The --profile auto table: per profile, its scenarios and divergence classes.
nlohmann::json profile_table_json(const std::vector<ProfileRun>& runs);

}  // namespace stateproof::cli
