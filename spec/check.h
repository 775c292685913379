#pragma once
// Syntax tree -> IR: names, types, ranges, constant overrides, inlining.

#include <map>
#include <memory>
#include <string>

#include "spec/ast.h"
#include "spec/budget.h"
#include "spec/ir.h"

namespace stateproof::spec {

/// `--const NAME=VALUE` overrides, by constant name; VALUE as written
/// (an integer, true/false, or an enum member).
using ConstOverrides = std::map<std::string, std::string>;

/// Who set an override, by constant name, for the errors about it: "--const"
/// unless named here (e.g. "trace.jsonl:1: the header's constant" for a
/// constant a trace's header sets).
using ConstOrigins = std::map<std::string, std::string>;

/// Checks a parsed spec and elaborates it into a Machine.
///
/// Constants take their overridden values before anything else is resolved,
/// so an override can change array sizes and select profiles; branches made
/// dead by a constant condition are type-checked and then dropped.
///
/// Throws SpecError (file:line:col) for name, type and range errors, and
/// UsageError for an override that names no constant or gives a value outside
/// the constant's type.
///
/// With a budget, the work (IR nodes made, calls inlined) is counted against
/// --max-seconds and --max-memory: LimitReached names the declaration being
/// checked. Inlining is exponential in the nesting of calls that use their
/// callee more than once, and such a spec is not wrong, only too big for the
/// limits: so it is exit 3 at the limit, as SPIN and TLC stop a search that
/// outgrows memory, not exit 2 (the one hard cap, 50,000,000 IR nodes, is
/// the representation's and stays exit 2).
Machine check(const ast::Spec& spec, std::shared_ptr<const SourceFile> file,
              const ConstOverrides& overrides = {}, Budget* budget = nullptr, const ConstOrigins& origins = {});

/// Reads, parses and checks a spec file. Throws UsageError if the file cannot
/// be read, SpecError for errors in it.
Machine load_spec(const std::string& path, const ConstOverrides& overrides = {}, Budget* budget = nullptr,
                  const ConstOrigins& origins = {});

/// The same, from text in memory (tests, generated specs).
Machine load_spec_text(const std::string& name, std::string text, const ConstOverrides& overrides = {},
                       Budget* budget = nullptr, const ConstOrigins& origins = {});

}  // namespace stateproof::spec
