#pragma once
// The one intermediate representation every engine consumes (`const Machine&`).
//
// A Machine is fully elaborated: constants are folded in (including --const
// overrides and profiles), `fun`s and `proc`s are inlined, `for` loops and
// quantifiers are unrolled, and every state variable is flattened into
// *scalars* (bool, bounded int or enum). Arrays and records survive only as
// type information for printing; every expression in the IR is scalar-valued.
//
// Values are int32: a bool is 0/1, an enum member its ordinal, an int itself.
//
// Nothing here depends on the parser; engines include only this header (and
// state.h / eval.h for explicit evaluation).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spec/diagnostics.h"

namespace stateproof::spec {

using TypeId = uint32_t;
using ExprId = uint32_t;
inline constexpr ExprId kNoExpr = UINT32_MAX;  ///< a wildcard `_` in fires/emits patterns

struct EnumDef {
    std::string name;
    std::vector<std::string> members;
};

/// A type. Scalar kinds (Bool, Int, Enum) have a finite domain lo..hi of
/// int32 codes; Array and Record exist for printing and ITF only.
struct Type {
    enum class Kind : uint8_t { Bool, Int, Enum, Array, Record };
    struct Field {
        std::string name;
        TypeId type;
    };

    Kind kind = Kind::Bool;
    int32_t lo = 0;           ///< scalar domain lower bound (Bool 0, Enum 0)
    int32_t hi = 1;           ///< scalar domain upper bound (Bool 1, Enum n-1)
    uint32_t enum_id = 0;     ///< Enum: index into Machine::enums
    TypeId index = 0;         ///< Array: the (scalar) index type
    TypeId elem = 0;          ///< Array: element type
    std::vector<Field> fields;  ///< Record
    uint32_t scalar_count = 1;  ///< scalars this type flattens to

    bool is_scalar() const { return kind <= Kind::Enum; }
    /// Number of values of a scalar type.
    uint32_t domain_size() const { return uint32_t(int64_t(hi) - lo + 1); }
};

/// A declared state variable; its scalars are Machine::scalars[first_scalar ...
/// first_scalar + types[type].scalar_count).
struct StateVar {
    std::string name;
    TypeId type;
    uint32_t first_scalar;
    SourceLoc loc;
};

/// One flattened component of a state variable, e.g. `aw[1].st`.
struct Scalar {
    std::string path;   ///< printable name: `frame`, `aw[1].st`
    TypeId type;        ///< always a scalar type
    uint32_t var;       ///< index into Machine::vars
    std::optional<int32_t> init;  ///< initial value; nullopt = any value of the domain
};

enum class Op : uint8_t {
    Const,    ///< value
    Var,      ///< a static scalar: value = scalar id; primed = read the post-state
    Load,     ///< a scalar chosen at run time: index_terms over args (see Expr)
    Param,    ///< action parameter number `value`
    Local,    ///< local slot number `value` (let bindings, inlined proc parameters)
    Not,
    Neg,
    Add,
    Sub,
    Mul,
    Div,      ///< truncating; division by zero is a run-time error
    Mod,      ///< C remainder; division by zero is a run-time error
    Eq,
    Ne,
    Lt,
    Le,
    And,
    Or,
    Implies,
    Ite,      ///< args: cond, then, else
    Fired,    ///< transition properties only: the step's action is `value` and its
              ///< arguments match args (kNoExpr = any)
    Emitted,  ///< transition properties only: the step emitted event `value` with
              ///< arguments matching args (kNoExpr = any)
    InRange,  ///< args[0], which must lie in the declared scalar type `type`
              ///< (a fun or proc parameter, a fun's result, an event argument):
              ///< outside it is a run-time error naming Machine::range_names[value]
};

/// An index term of a Load: the scalar read is
///   base + sum over terms of (value(args[k]) - lo) * stride,
/// and every (value - lo) must lie in [0, count) or evaluation fails with an
/// out-of-bounds error located at the Expr.
struct IndexTerm {
    int32_t lo;
    uint32_t count;
    uint32_t stride;
};

struct Expr {
    Op op;
    bool primed = false;   ///< Var/Load: read the post-state (transition properties)
    TypeId type;           ///< the result's scalar type (Bool for predicates)
    int32_t value = 0;     ///< Const value, Var/Load base scalar, Param/Local slot, Fired action, Emitted event
    std::vector<ExprId> args;
    std::vector<IndexTerm> index;  ///< Load only, one per args entry
    SourceLoc loc;
};

struct Stmt {
    enum class Kind : uint8_t { Assign, If, Emit, Let, Assert };
    Kind kind;
    SourceLoc loc;
    ExprId target = kNoExpr;  ///< Assign: a Var or Load expression
    ExprId value = kNoExpr;   ///< Assign value, If condition, Let value, Assert condition
    uint32_t slot = 0;        ///< Let: local slot; Emit: event id
    std::vector<ExprId> args;       ///< Emit arguments
    std::vector<Stmt> then_body;    ///< If
    std::vector<Stmt> else_body;    ///< If
    std::string message;            ///< Assert
};

struct Param {
    std::string name;
    TypeId type;  ///< a scalar type
};

/// A guarded command. Statements run sequentially: a statement sees the
/// assignments before it. The action is enabled in a state iff its guard
/// holds there for the given argument values.
struct Action {
    std::string name;
    SourceLoc loc;
    std::vector<Param> params;
    ExprId guard;            ///< Bool; may read params
    std::vector<Stmt> body;
    uint32_t local_count = 0;
};

struct EventDef {
    std::string name;
    SourceLoc loc;
    std::vector<Param> params;
};

struct Property {
    enum class Kind : uint8_t {
        Invariant,   ///< a predicate over one state, holds in every reachable state
        Transition,  ///< a predicate over a step (pre-state, post-state, action, events)
    };
    Kind kind;
    std::string name;
    SourceLoc loc;
    ExprId expr;
    uint32_t local_count = 0;
};

/// A constant as elaborated (after --const overrides), kept for reporting.
struct ConstValue {
    std::string name;
    TypeId type;
    int32_t value;
    bool overridden = false;
};

struct Machine {
    std::string name;
    std::shared_ptr<const SourceFile> source;
    std::vector<ConstValue> consts;
    std::vector<EnumDef> enums;
    std::vector<Type> types;  ///< types[0] is Bool
    std::vector<StateVar> vars;
    std::vector<Scalar> scalars;
    std::vector<Expr> exprs;
    std::vector<ExprId> init_constraints;  ///< Bool, over unprimed state only
    std::vector<Action> actions;
    std::vector<EventDef> events;
    std::vector<Property> properties;
    ExprId final_pred = kNoExpr;  ///< states where no enabled action is not a deadlock
    std::vector<std::string> range_names;  ///< what an InRange checks, for its error: `v`, `the result of f`

    const Expr& expr(ExprId id) const { return exprs[id]; }
    const Type& type(TypeId id) const { return types[id]; }
    const Type& scalar_type(uint32_t scalar) const { return types[scalars[scalar].type]; }

    /// Index of the action / event / property / variable with this name, or nullopt.
    std::optional<uint32_t> find_action(const std::string& name) const;
    std::optional<uint32_t> find_event(const std::string& name) const;
    std::optional<uint32_t> find_property(const std::string& name) const;
    std::optional<uint32_t> find_var(const std::string& name) const;

    /// The printable form of a scalar value: `true`, `3`, `Suspended`.
    std::string format_value(TypeId scalar_type, int32_t value) const;
    /// Parses the printable form back; nullopt if it is not in the domain.
    std::optional<int32_t> parse_value(TypeId scalar_type, const std::string& text) const;
    /// The name of a type as written in specs: `bool`, `0..3`, `Frame`, `array[0..1] of Aw`.
    std::string type_name(TypeId type) const;
};

inline constexpr TypeId kBoolType = 0;

}  // namespace stateproof::spec
