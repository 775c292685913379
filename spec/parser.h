#pragma once
// Spec text -> syntax tree. The grammar is documented in docs/spec-language.md.

#include <memory>

#include "spec/ast.h"

namespace stateproof::spec {

/// Parses a whole spec file. Throws SpecError (`file:line:col: error: ...`)
/// on the first lexical or syntax error.
ast::Spec parse(const std::shared_ptr<const SourceFile>& file);

}  // namespace stateproof::spec
