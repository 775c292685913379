#pragma once
// Syntax tree of a spec file, with source locations. Used only by the parser
// and the checker (check.cpp), which turns it into the IR.

#include <memory>
#include <string>
#include <vector>

#include "spec/diagnostics.h"

namespace stateproof::spec::ast {

struct TypeExpr;
struct Expr;
using TypePtr = std::unique_ptr<TypeExpr>;
using ExprPtr = std::unique_ptr<Expr>;

struct Field {
    std::string name;
    SourceLoc loc;
    TypePtr type;
};

struct TypeExpr {
    enum class Kind { Bool, Named, Range, Array, Record };
    Kind kind;
    SourceLoc loc;
    std::string name;          ///< Named
    ExprPtr lo, hi;            ///< Range: lo..hi; Array: `array[N]` puts N in hi with lo null
    TypePtr index, elem;       ///< Array (index null for the `array[N]` form)
    std::vector<Field> fields; ///< Record
};

struct FieldInit {
    std::string name;
    SourceLoc loc;
    ExprPtr value;
};

struct Expr {
    enum class Kind {
        Int, Bool, Name, Wildcard,
        Unary,       ///< op: "-", "not"
        Binary,      ///< op: + - * / % == != < <= > >= and or =>
        In,          ///< a in {b, c} (args) or a in lo..hi (range)
        Ite,         ///< if c then a else b
        Index,       ///< a[i]
        Member,      ///< a.name
        Call,        ///< name(args): a fun
        Record,      ///< { f: e, ... }
        Quant,       ///< forall/exists/count name in type: body
        Next,        ///< next(e) or e'
        Fires,       ///< fires name(args)
        Emits,       ///< emits name(args)
    };
    Kind kind;
    SourceLoc loc;
    int64_t number = 0;       ///< Int; Bool (0/1)
    std::string name;         ///< Name, Member field, Call/Fires/Emits name, Quant variable, op
    std::vector<ExprPtr> args;
    std::vector<FieldInit> fields;  ///< Record
    TypePtr range;            ///< In with a range; Quant domain
    bool has_args = false;    ///< Fires/Emits written with parentheses

    ~Expr() {
        // A chain such as `x + x + ... + x` is a tree as deep as it is long;
        // destroying it child by child recursively overflows the stack past
        // about 100,000 terms. Take the operands apart with a worklist
        // instead (the checker refuses such a tree; it must still be freed).
        std::vector<ExprPtr> pending;
        auto detach = [&](Expr& e) {
            for (auto& a : e.args)
                if (a) pending.push_back(std::move(a));
            e.args.clear();
        };
        detach(*this);
        while (!pending.empty()) {
            ExprPtr e = std::move(pending.back());
            pending.pop_back();
            detach(*e);
        }  // each `e` is freed here with no operands left
    }
};

struct Param {
    std::string name;
    SourceLoc loc;
    TypePtr type;
};

struct Stmt;
using Block = std::vector<Stmt>;

struct Stmt {
    enum class Kind { Assign, If, Emit, Let, For, Assert, Call, Skip };
    Kind kind;
    SourceLoc loc;
    ExprPtr target;                 ///< Assign
    ExprPtr value;                  ///< Assign value, Let value, Assert condition
    std::vector<ExprPtr> conds;     ///< If: one per if/elif
    std::vector<Block> blocks;      ///< If: one per cond, plus a trailing else block if any
    std::string name;               ///< Emit event, Let variable, For variable, Call proc
    SourceLoc name_loc;
    std::vector<ExprPtr> args;      ///< Emit, Call
    TypePtr range;                  ///< For
    Block body;                     ///< For
    std::string message;            ///< Assert
};

struct Decl {
    enum class Kind { Const, Enum, Type, Var, Event, Fun, Proc, Action, Init, Invariant, Transition, Final };
    Kind kind;
    SourceLoc loc;        ///< the keyword
    std::string name;
    SourceLoc name_loc;
    TypePtr type;         ///< Const (optional), Type, Var, Fun result
    ExprPtr value;        ///< Const value, Var init (optional), Fun body, Init/Invariant/Transition/Final predicate, Action guard (optional)
    std::vector<std::string> members;     ///< Enum
    std::vector<SourceLoc> member_locs;   ///< Enum
    std::vector<Param> params;            ///< Event, Fun, Proc, Action
    Block body;                           ///< Proc, Action
};

struct Spec {
    std::string machine_name;
    SourceLoc loc;
    std::vector<Decl> decls;
};

}  // namespace stateproof::spec::ast
