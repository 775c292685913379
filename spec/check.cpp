#include "spec/check.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "spec/parser.h"

namespace stateproof::spec {

namespace {

using ast::Decl;

// Elaborated value: a type and its flattened scalars (one ExprId per scalar).
struct Val {
    TypeId type = kBoolType;
    std::vector<ExprId> scalars;
};

// What a name in a scope stands for.
struct Binding {
    std::string name;
    Val val;
    bool barrier = false;  // procs and funs do not see their caller's locals
};

struct GlobalSym {
    enum class Kind { Const, Type, Enum, Var, Fun, Proc };
    Kind kind;
    uint32_t index;  // into consts/types/enums/vars/funs/procs
    SourceLoc loc;
};

// Where an expression is being elaborated.
struct Ctx {
    bool const_only = false;   // constant expressions: no state, no params
    bool transition = false;   // transition property: next/fires/emits allowed
    bool primed = false;       // inside next(...)
    bool in_action = false;    // params and locals available
    uint32_t* local_count = nullptr;
};

constexpr int64_t kIntMin = INT32_MIN;
constexpr int64_t kIntMax = INT32_MAX;

class Checker {
  public:
    Checker(std::shared_ptr<const SourceFile> file, const ConstOverrides& overrides, Budget* budget,
            const ConstOrigins& origins)
        : file_(std::move(file)), overrides_(overrides), origins_(origins), budget_(budget ? budget : &no_budget_) {
        m_.source = file_;
        Type b;
        b.kind = Type::Kind::Bool;
        m_.types.push_back(b);  // kBoolType
    }

    Machine run(const ast::Spec& spec) {
        m_.name = spec.machine_name;
        prescan(spec);
        for (const Decl& d : spec.decls) {
            budget_->phase("checking '" + d.name + "' (line " + std::to_string(d.loc.line) + ", calls inlined)",
                           "IR nodes");
            declare(d);
        }
        for (const auto& [name, value] : overrides_) {
            if (!used_overrides_.count(name)) {
                std::string known;
                for (const auto& c : m_.consts) known += (known.empty() ? "" : ", ") + c.name;
                throw UsageError(set_by(name, value) + ": " + file_->name +
                                 " declares no constant named '" + name + "'" +
                                 (known.empty() ? " (it declares none)" : " (constants: " + known + ")"));
            }
        }
        return std::move(m_);
    }

  private:
    [[noreturn]] void fail(SourceLoc loc, const std::string& msg) const {
        throw SpecError(file_, loc, msg);
    }

    // Code the evaluator never runs: the arm of an `if` whose condition folds
    // to a constant, the right operand of a short-circuited `and`/`or`/`=>`,
    // a quantifier body after the result is settled. It is type-checked and
    // dropped, and a *value* error in it (a constant index out of bounds, a
    // division by zero, a constant out of range) is not an error: with the
    // quantifier's or loop's value folded in, that code is not reached.
    // Code under a condition that is not constant keeps its static checks
    // and the evaluator's run-time ones.
    struct DeadCode {
        explicit DeadCode(int& depth, bool dead) : depth(depth), dead(dead) { depth += dead; }
        ~DeadCode() { depth -= dead; }
        DeadCode(const DeadCode&) = delete;
        DeadCode& operator=(const DeadCode&) = delete;
        int& depth;
        bool dead;
    };
    bool in_dead_code() const { return dead_ > 0; }
    // A value error: reported unless the code is dead (the caller then goes
    // on with a placeholder of the right type, which is dropped).
    void value_error(SourceLoc loc, const std::string& msg) const {
        if (!in_dead_code()) fail(loc, msg);
    }

    // ------------------------------------------------------------------ names
    void prescan(const ast::Spec& spec) {
        for (const Decl& d : spec.decls)
            if (!d.name.empty()) later_[d.name] = d.name_loc;
    }
    std::string declared_later_hint(const std::string& name) const {
        auto it = later_.find(name);
        if (it == later_.end()) return {};
        return " (it is declared later, at line " + std::to_string(it->second.line) +
               "; declare names before using them)";
    }

    void define_global(const std::string& name, SourceLoc loc, GlobalSym::Kind kind, uint32_t index) {
        if (auto it = globals_.find(name); it != globals_.end())
            fail(loc, "duplicate name '" + name + "' (first declared at line " +
                          std::to_string(it->second.loc.line) + ")");
        if (auto it = members_.find(name); it != members_.end())
            fail(loc, "duplicate name '" + name + "': it is already a member of enum '" +
                          m_.enums[it->second.front().first].name + "'");
        globals_[name] = {kind, index, loc};
    }

    // ------------------------------------------------------------------ types
    TypeId add_type(Type t) {
        m_.types.push_back(std::move(t));
        return TypeId(m_.types.size() - 1);
    }
    TypeId int_type(int64_t lo, int64_t hi, SourceLoc loc) {
        if (lo < kIntMin || hi > kIntMax)
            fail(loc, "integer range " + std::to_string(lo) + ".." + std::to_string(hi) +
                          " does not fit in 32 bits");
        auto key = std::make_pair(int32_t(lo), int32_t(hi));
        if (auto it = int_types_.find(key); it != int_types_.end()) return it->second;
        Type t;
        t.kind = Type::Kind::Int;
        t.lo = int32_t(lo);
        t.hi = int32_t(hi);
        TypeId id = add_type(t);
        int_types_[key] = id;
        return id;
    }
    TypeId enum_type(uint32_t enum_id) {
        if (auto it = enum_types_.find(enum_id); it != enum_types_.end()) return it->second;
        Type t;
        t.kind = Type::Kind::Enum;
        t.enum_id = enum_id;
        t.lo = 0;
        t.hi = int32_t(m_.enums[enum_id].members.size()) - 1;
        TypeId id = add_type(t);
        enum_types_[enum_id] = id;
        return id;
    }
    const Type& ty(TypeId id) const { return m_.types[id]; }
    bool is_int(TypeId id) const { return ty(id).kind == Type::Kind::Int; }
    // A found type, for messages: an expression's integer range says little.
    std::string found(TypeId id) const { return is_int(id) ? "an integer" : m_.type_name(id); }
    bool is_bool(TypeId id) const { return ty(id).kind == Type::Kind::Bool; }

    int64_t const_int(const ast::Expr& e, const std::string& what) {
        Ctx c;
        c.const_only = true;
        Val v = elab(e, c, std::nullopt);
        if (!is_int(v.type)) fail(e.loc, what + " must be an integer, not " + found(v.type));
        return m_.exprs[v.scalars[0]].value;
    }

    TypeId resolve_type(const ast::TypeExpr& t, bool allow_size = false) {
        switch (t.kind) {
        case ast::TypeExpr::Kind::Bool:
            return kBoolType;
        case ast::TypeExpr::Kind::Named: {
            auto it = globals_.find(t.name);
            if (it == globals_.end())
                fail(t.loc, "unknown type '" + t.name + "'" + declared_later_hint(t.name));
            if (it->second.kind == GlobalSym::Kind::Type) return named_types_[it->second.index];
            if (it->second.kind == GlobalSym::Kind::Enum) return enum_type(it->second.index);
            if (it->second.kind == GlobalSym::Kind::Const && allow_size) {
                const ConstValue& c = m_.consts[it->second.index];
                if (!is_int(c.type)) fail(t.loc, "array size '" + t.name + "' is not an integer");
                if (c.value < 1) fail(t.loc, "array size must be at least 1, but '" + t.name + "' is " + std::to_string(c.value));
                return int_type(0, int64_t(c.value) - 1, t.loc);
            }
            fail(t.loc, "'" + t.name + "' is not a type");
        }
        case ast::TypeExpr::Kind::Range: {
            if (!t.lo) {
                if (!allow_size) fail(t.loc, "expected a type (bool, an enum, lo..hi, array or record)");
                int64_t n = const_int(*t.hi, "an array size");
                if (n < 1) fail(t.loc, "array size must be at least 1, not " + std::to_string(n));
                return int_type(0, n - 1, t.loc);
            }
            int64_t lo = const_int(*t.lo, "a range bound");
            int64_t hi = const_int(*t.hi, "a range bound");
            if (lo > hi)
                fail(t.loc, "empty range " + std::to_string(lo) + ".." + std::to_string(hi));
            return int_type(lo, hi, t.loc);
        }
        case ast::TypeExpr::Kind::Array: {
            TypeId index = t.index ? resolve_type(*t.index, true) : resolve_type_size(*t.hi, t.loc);
            if (!ty(index).is_scalar())
                fail(t.loc, "an array index must be bool, an enum or a range");
            TypeId elem = resolve_type(*t.elem);
            Type a;
            a.kind = Type::Kind::Array;
            a.index = index;
            a.elem = elem;
            uint64_t n = uint64_t(ty(index).domain_size()) * ty(elem).scalar_count;
            if (n > 1'000'000) fail(t.loc, "array too large (" + std::to_string(n) + " scalars)");
            a.scalar_count = uint32_t(n);
            return add_type(a);
        }
        case ast::TypeExpr::Kind::Record: {
            Type r;
            r.kind = Type::Kind::Record;
            r.scalar_count = 0;
            for (const auto& f : t.fields) {
                for (const auto& g : r.fields)
                    if (g.name == f.name) fail(f.loc, "duplicate field '" + f.name + "'");
                TypeId ft = resolve_type(*f.type);
                r.fields.push_back({f.name, ft});
                r.scalar_count += ty(ft).scalar_count;
            }
            return add_type(r);
        }
        }
        fail(t.loc, "bad type");
    }
    TypeId resolve_type_size(const ast::Expr& size, SourceLoc loc) {
        int64_t n = const_int(size, "an array size");
        if (n < 1) fail(loc, "array size must be at least 1, not " + std::to_string(n));
        return int_type(0, n - 1, loc);
    }
    TypeId scalar_domain(const ast::TypeExpr& t, const std::string& what) {
        TypeId id = resolve_type(t);
        if (!ty(id).is_scalar())
            fail(t.loc, what + " must have a finite scalar type (bool, an enum or a range), not " +
                            m_.type_name(id));
        return id;
    }

    // Are values of `from` assignable to / comparable with `to`?
    bool compatible(TypeId a, TypeId b) const {
        if (a == b) return true;
        const Type& x = ty(a);
        const Type& y = ty(b);
        if (x.kind != y.kind) return false;
        switch (x.kind) {
        case Type::Kind::Bool:
        case Type::Kind::Int:
            return true;
        case Type::Kind::Enum:
            return x.enum_id == y.enum_id;
        case Type::Kind::Array:
            return compatible(x.index, y.index) && ty(x.index).domain_size() == ty(y.index).domain_size() &&
                   ty(x.index).lo == ty(y.index).lo && compatible(x.elem, y.elem);
        case Type::Kind::Record:
            if (x.fields.size() != y.fields.size()) return false;
            for (size_t i = 0; i < x.fields.size(); ++i)
                if (x.fields[i].name != y.fields[i].name || !compatible(x.fields[i].type, y.fields[i].type))
                    return false;
            return true;
        }
        return false;
    }
    void require_compatible(TypeId got, TypeId want, SourceLoc loc, const std::string& what) {
        if (!compatible(got, want))
            fail(loc, what + ": expected " + m_.type_name(want) + ", found " + found(got));
    }

    // ------------------------------------------------------------------ IR building (folding)
    ExprId add(Expr e) {
        if (m_.exprs.size() >= 50'000'000) fail(e.loc, "spec too large after unrolling");
        budget_->tick();
        if (m_.exprs.size() == m_.exprs.capacity()) budget_->check_growth(m_.exprs.capacity() * sizeof(Expr));
        m_.exprs.push_back(std::move(e));
        return ExprId(m_.exprs.size() - 1);
    }
    const Expr& ex(ExprId id) const { return m_.exprs[id]; }
    bool is_const(ExprId id) const { return ex(id).op == Op::Const; }
    int32_t cval(ExprId id) const { return ex(id).value; }

    ExprId mk_const(TypeId type, int64_t v, SourceLoc loc) {
        Expr e;
        e.op = Op::Const;
        e.type = is_int(type) ? int_type(v, v, loc) : type;
        e.value = int32_t(v);
        e.loc = loc;
        return add(e);
    }
    ExprId mk_bool(bool b, SourceLoc loc) { return mk_const(kBoolType, b, loc); }

    ExprId mk_unary(Op op, ExprId a, SourceLoc loc) {
        if (op == Op::Not) {
            if (is_const(a)) return mk_bool(!cval(a), loc);
            if (ex(a).op == Op::Not) return ex(a).args[0];
            Expr e{Op::Not, false, kBoolType, 0, {a}, {}, loc};
            return add(e);
        }
        // Neg
        const Type& t = ty(ex(a).type);
        if (is_const(a)) return mk_const(int_type(0, 0, loc), -int64_t(cval(a)), loc);
        Expr e{Op::Neg, false, int_type(-int64_t(t.hi), -int64_t(t.lo), loc), 0, {a}, {}, loc};
        return add(e);
    }

    ExprId mk_binary(Op op, ExprId a, ExprId b, SourceLoc loc) {
        switch (op) {
        case Op::And:
            if (is_const(a)) return cval(a) ? b : mk_bool(false, loc);
            if (is_const(b)) return cval(b) ? a : mk_bool(false, loc);
            break;
        case Op::Or:
            if (is_const(a)) return cval(a) ? mk_bool(true, loc) : b;
            if (is_const(b)) return cval(b) ? mk_bool(true, loc) : a;
            break;
        case Op::Implies:
            if (is_const(a)) return cval(a) ? b : mk_bool(true, loc);
            if (is_const(b)) return cval(b) ? mk_bool(true, loc) : mk_unary(Op::Not, a, loc);
            break;
        default:
            break;
        }
        if (is_const(a) && is_const(b)) {
            int64_t x = cval(a), y = cval(b), r = 0;
            switch (op) {
            case Op::Add: r = x + y; break;
            case Op::Sub: r = x - y; break;
            case Op::Mul: r = x * y; break;
            case Op::Div:
            case Op::Mod:
                if (y == 0) {
                    value_error(loc, "division by zero");
                    return mk_const(int_type(0, 0, loc), 0, loc);
                }
                r = op == Op::Div ? x / y : x % y;
                break;
            case Op::Eq: return mk_bool(x == y, loc);
            case Op::Ne: return mk_bool(x != y, loc);
            case Op::Lt: return mk_bool(x < y, loc);
            case Op::Le: return mk_bool(x <= y, loc);
            case Op::And: return mk_bool(x && y, loc);
            case Op::Or: return mk_bool(x || y, loc);
            case Op::Implies: return mk_bool(!x || y, loc);
            default: break;
            }
            if (r < kIntMin || r > kIntMax) {
                value_error(loc, "integer overflow in a constant expression");
                r = 0;
            }
            return mk_const(int_type(r, r, loc), r, loc);
        }
        TypeId type = kBoolType;
        if (op == Op::Add || op == Op::Sub || op == Op::Mul || op == Op::Div || op == Op::Mod) {
            const Type& x = ty(ex(a).type);
            const Type& y = ty(ex(b).type);
            int64_t lo = 0, hi = 0;
            switch (op) {
            case Op::Add: lo = int64_t(x.lo) + y.lo; hi = int64_t(x.hi) + y.hi; break;
            case Op::Sub: lo = int64_t(x.lo) - y.hi; hi = int64_t(x.hi) - y.lo; break;
            case Op::Mul: {
                int64_t c[] = {int64_t(x.lo) * y.lo, int64_t(x.lo) * y.hi, int64_t(x.hi) * y.lo,
                               int64_t(x.hi) * y.hi};
                lo = *std::min_element(c, c + 4);
                hi = *std::max_element(c, c + 4);
                break;
            }
            case Op::Div: {
                int64_t m = std::max(std::abs(int64_t(x.lo)), std::abs(int64_t(x.hi)));
                lo = x.lo >= 0 && y.lo >= 0 ? 0 : -m;
                hi = m;
                break;
            }
            default: {  // Mod: |r| < |divisor|, sign of the dividend
                int64_t m = std::max(std::abs(int64_t(y.lo)), std::abs(int64_t(y.hi)));
                m = std::max<int64_t>(m - 1, 0);
                lo = x.lo >= 0 ? 0 : -m;
                hi = x.hi <= 0 ? 0 : m;
                break;
            }
            }
            if (lo < kIntMin || hi > kIntMax)
                fail(loc, "this arithmetic can overflow 32 bits (its range is " + std::to_string(lo) +
                              ".." + std::to_string(hi) + ")");
            type = int_type(lo, hi, loc);
        }
        Expr e{op, false, type, 0, {a, b}, {}, loc};
        return add(e);
    }

    // The left operand `a` decides `a op b` without `b` (the evaluator
    // short-circuits, so it never evaluates `b`).
    bool settles(Op op, ExprId a) const {
        if (!is_const(a)) return false;
        return op == Op::Or ? cval(a) != 0 : cval(a) == 0;  // and, =>: false; or: true
    }

    ExprId mk_ite(ExprId c, ExprId a, ExprId b, SourceLoc loc) {
        if (is_const(c)) return cval(c) ? a : b;
        if (a == b) return a;
        TypeId t = ex(a).type;
        if (is_int(t)) {
            const Type& x = ty(ex(a).type);
            const Type& y = ty(ex(b).type);
            t = int_type(std::min(x.lo, y.lo), std::max(x.hi, y.hi), loc);
        }
        Expr e{Op::Ite, false, t, 0, {c, a, b}, {}, loc};
        return add(e);
    }

    // Equality of two values of compatible types: the conjunction over scalars.
    ExprId mk_equal(const Val& a, const Val& b, SourceLoc loc) {
        ExprId r = mk_bool(true, loc);
        for (size_t i = 0; i < a.scalars.size(); ++i)
            r = mk_binary(Op::And, r, mk_binary(Op::Eq, a.scalars[i], b.scalars[i], loc), loc);
        return r;
    }

    Val scalar_val(ExprId id) { return Val{ex(id).type, {id}}; }

    // Static scalar `s` read with `primed`.
    ExprId mk_var(uint32_t s, bool primed, SourceLoc loc) {
        Expr e{Op::Var, primed, m_.scalars[s].type, int32_t(s), {}, {}, loc};
        return add(e);
    }

    // ------------------------------------------------------------------ scopes
    std::vector<Binding> scopes_;

    const Binding* lookup_local(const std::string& name) const {
        for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
            if (it->name == name) return &*it;
            if (it->barrier) break;
        }
        return nullptr;
    }
    void check_fresh(const std::string& name, SourceLoc loc) {
        if (lookup_local(name)) fail(loc, "'" + name + "' is already defined in this scope");
        if (auto it = globals_.find(name); it != globals_.end())
            fail(loc, "'" + name + "' shadows the global declared at line " +
                          std::to_string(it->second.loc.line) + "; choose another name");
        if (members_.count(name)) fail(loc, "'" + name + "' shadows an enum member; choose another name");
    }
    struct ScopeMark {
        std::vector<Binding>& scopes;
        size_t size;
        explicit ScopeMark(std::vector<Binding>& s) : scopes(s), size(s.size()) {}
        ~ScopeMark() { scopes.resize(size); }
    };
    void push_barrier() { scopes_.push_back(Binding{"", {}, true}); }

    // ------------------------------------------------------------------ expressions
    ExprId scalar_of(const Val& v, SourceLoc loc, const std::string& what) {
        if (!ty(v.type).is_scalar()) fail(loc, what + " must be a scalar, not " + found(v.type));
        return v.scalars[0];
    }
    ExprId elab_bool(const ast::Expr& e, Ctx& c, const std::string& what) {
        Val v = elab(e, c, kBoolType);
        if (!is_bool(v.type)) fail(e.loc, what + " must be a bool, not " + found(v.type));
        return v.scalars[0];
    }
    ExprId elab_int(const ast::Expr& e, Ctx& c, const std::string& what) {
        Val v = elab(e, c, std::nullopt);
        if (!is_int(v.type)) fail(e.loc, what + " must be an integer, not " + found(v.type));
        return v.scalars[0];
    }

    // Resolves an enum member name, using the expected type to disambiguate.
    std::optional<Val> enum_member(const std::string& name, SourceLoc loc, std::optional<TypeId> expected) {
        auto it = members_.find(name);
        if (it == members_.end()) return std::nullopt;
        const auto& cands = it->second;
        if (expected && ty(*expected).kind == Type::Kind::Enum) {
            for (const auto& [eid, ord] : cands)
                if (eid == ty(*expected).enum_id) return scalar_val(mk_const(*expected, ord, loc));
        }
        if (cands.size() == 1)
            return scalar_val(mk_const(enum_type(cands[0].first), cands[0].second, loc));
        std::string which;
        for (const auto& [eid, ord] : cands) which += (which.empty() ? "" : ", ") + m_.enums[eid].name;
        fail(loc, "ambiguous enum member '" + name + "' (in " + which + "); write " +
                      m_.enums[cands[0].first].name + "." + name);
    }

    bool is_bare_member(const ast::Expr& e) const {
        return e.kind == ast::Expr::Kind::Name && !lookup_local(e.name) && !globals_.count(e.name) &&
               members_.count(e.name);
    }

    Val elab(const ast::Expr& e, Ctx& c, std::optional<TypeId> expected) {
        using K = ast::Expr::Kind;
        if (++depth_ > 400) fail(e.loc, "expression nested too deeply after inlining");
        struct D { int& d; ~D() { --d; } } dguard{depth_};
        switch (e.kind) {
        case K::Int:
            return scalar_val(mk_const(int_type(e.number, e.number, e.loc), e.number, e.loc));
        case K::Bool:
            return scalar_val(mk_bool(e.number != 0, e.loc));
        case K::Wildcard:
            fail(e.loc, "'_' is only allowed as an argument of 'fires' or 'emits'");
        case K::Name:
            return elab_name(e, c, expected);
        case K::Unary: {
            if (e.name == "not") return scalar_val(mk_unary(Op::Not, elab_bool(*e.args[0], c, "the operand of 'not'"), e.loc));
            return scalar_val(mk_unary(Op::Neg, elab_int(*e.args[0], c, "the operand of '-'"), e.loc));
        }
        case K::Binary:
            return elab_binary(e, c);
        case K::In: {
            Val x = elab(*e.args[0], c, std::nullopt);
            ExprId xs = scalar_of(x, e.args[0]->loc, "the left side of 'in'");
            if (e.range) {
                TypeId r = resolve_type(*e.range);
                if (!is_int(r) || !is_int(x.type))
                    fail(e.loc, "'x in lo..hi' needs integers");
                ExprId lo = mk_binary(Op::Le, mk_const(r, ty(r).lo, e.loc), xs, e.loc);
                ExprId hi = mk_binary(Op::Le, xs, mk_const(r, ty(r).hi, e.loc), e.loc);
                return scalar_val(mk_binary(Op::And, lo, hi, e.loc));
            }
            ExprId r = mk_bool(false, e.loc);
            for (size_t i = 1; i < e.args.size(); ++i) {
                Val y = elab(*e.args[i], c, x.type);
                require_compatible(y.type, x.type, e.args[i]->loc, "set element");
                r = mk_binary(Op::Or, r, mk_binary(Op::Eq, xs, y.scalars[0], e.loc), e.loc);
            }
            return scalar_val(r);
        }
        case K::Ite: {
            ExprId cond = elab_bool(*e.args[0], c, "the condition of 'if'");
            Val a, b;
            {
                DeadCode dead(dead_, is_const(cond) && !cval(cond));
                a = elab(*e.args[1], c, expected);
            }
            {
                DeadCode dead(dead_, is_const(cond) && cval(cond));
                b = elab(*e.args[2], c, expected ? expected : std::optional<TypeId>(a.type));
            }
            require_compatible(b.type, a.type, e.args[2]->loc, "the else branch");
            Val r;
            r.type = a.type;
            for (size_t i = 0; i < a.scalars.size(); ++i)
                r.scalars.push_back(mk_ite(cond, a.scalars[i], b.scalars[i], e.loc));
            if (ty(a.type).is_scalar()) r.type = ex(r.scalars[0]).type;
            return r;
        }
        case K::Index:
            return elab_index(e, c);
        case K::Member: {
            const ast::Expr& base = *e.args[0];
            if (base.kind == K::Name && !lookup_local(base.name)) {
                auto it = globals_.find(base.name);
                if (it != globals_.end() && it->second.kind == GlobalSym::Kind::Enum) {
                    const EnumDef& en = m_.enums[it->second.index];
                    for (uint32_t i = 0; i < en.members.size(); ++i)
                        if (en.members[i] == e.name)
                            return scalar_val(mk_const(enum_type(it->second.index), i, e.loc));
                    fail(e.loc, "enum '" + en.name + "' has no member '" + e.name + "'");
                }
            }
            Val b = elab(base, c, std::nullopt);
            return field_of(b, e.name, e.loc);
        }
        case K::Call:
            return elab_call(e, c, expected);
        case K::Record: {
            if (!expected || ty(*expected).kind != Type::Kind::Record)
                fail(e.loc, "a record value needs a known record type here (assign it to a record variable)");
            TypeId rt = *expected;
            Val r;
            r.type = rt;
            const auto fields = ty(rt).fields;  // copy: elaboration may grow the type table
            for (const auto& f : e.fields)
                if (std::none_of(fields.begin(), fields.end(), [&](const Type::Field& g) { return g.name == f.name; }))
                    fail(f.loc, "record type " + m_.type_name(rt) + " has no field '" + f.name + "'");
            for (const auto& f : fields) {
                const ast::FieldInit* init = nullptr;
                for (const auto& g : e.fields) {
                    if (g.name == f.name) {
                        if (init) fail(g.loc, "field '" + g.name + "' given twice");
                        init = &g;
                    }
                }
                if (!init) fail(e.loc, "record value lacks field '" + f.name + "'");
                Val v = elab(*init->value, c, f.type);
                require_compatible(v.type, f.type, init->loc, "field '" + f.name + "'");
                check_value_fits(v, f.type, init->value->loc);
                r.scalars.insert(r.scalars.end(), v.scalars.begin(), v.scalars.end());
            }
            return r;
        }
        case K::Quant: {
            TypeId dom = scalar_domain(*e.range, "a quantifier domain");
            ExprId acc = e.number == 2 ? mk_const(int_type(0, 0, e.loc), 0, e.loc) : mk_bool(e.number == 0, e.loc);
            const Type d = ty(dom);
            for (int64_t v = d.lo; v <= d.hi; ++v) {
                ScopeMark mark(scopes_);
                check_fresh(e.name, e.loc);
                scopes_.push_back(Binding{e.name, scalar_val(mk_const(dom, v, e.loc)), false});
                if (e.number == 2) {
                    ExprId body = elab_bool(*e.args[0], c, "the body of 'count'");
                    ExprId one = mk_ite(body, mk_const(int_type(1, 1, e.loc), 1, e.loc),
                                        mk_const(int_type(0, 0, e.loc), 0, e.loc), e.loc);
                    acc = mk_binary(Op::Add, acc, one, e.loc);
                } else {
                    Op o = e.number == 0 ? Op::And : Op::Or;
                    DeadCode dead(dead_, settles(o, acc));
                    ExprId body = elab_bool(*e.args[0], c, "the body of a quantifier");
                    acc = mk_binary(o, acc, body, e.loc);
                }
            }
            return scalar_val(acc);
        }
        case K::Next: {
            if (!c.transition) fail(e.loc, "next(...) is only allowed in transition properties");
            if (c.primed) fail(e.loc, "next(...) cannot be nested");
            c.primed = true;
            Val v = elab(*e.args[0], c, expected);
            c.primed = false;
            return v;
        }
        case K::Fires:
        case K::Emits:
            return elab_fires_emits(e, c);
        }
        fail(e.loc, "unsupported expression");
    }

    Val elab_name(const ast::Expr& e, Ctx& c, std::optional<TypeId> expected) {
        if (const Binding* b = lookup_local(e.name)) {
            if (c.primed) {
                // A local bound to state reads (a fun parameter) is re-read primed.
                Val v = b->val;
                for (auto& s : v.scalars) s = prime(s, e.loc);
                return v;
            }
            return b->val;
        }
        auto it = globals_.find(e.name);
        if (it == globals_.end()) {
            if (auto v = enum_member(e.name, e.loc, expected)) return *v;
            fail(e.loc, "unknown identifier '" + e.name + "'" + declared_later_hint(e.name));
        }
        const GlobalSym& g = it->second;
        switch (g.kind) {
        case GlobalSym::Kind::Const: {
            const ConstValue& cv = m_.consts[g.index];
            return scalar_val(mk_const(cv.type, cv.value, e.loc));
        }
        case GlobalSym::Kind::Var: {
            if (c.const_only) fail(e.loc, "state variable '" + e.name + "' in a constant expression");
            const StateVar& v = m_.vars[g.index];
            Val r;
            r.type = v.type;
            for (uint32_t i = 0; i < ty(v.type).scalar_count; ++i)
                r.scalars.push_back(mk_var(v.first_scalar + i, c.primed, e.loc));
            return r;
        }
        case GlobalSym::Kind::Fun:
            fail(e.loc, "function '" + e.name + "' needs arguments: " + e.name + "(...)");
        case GlobalSym::Kind::Proc:
            fail(e.loc, "procedure '" + e.name + "' is a statement, not a value");
        default:
            fail(e.loc, "'" + e.name + "' is a type, not a value");
        }
    }

    // Re-reads an expression in the post-state (for fun parameters used under next).
    ExprId prime(ExprId id, SourceLoc loc) {
        const Expr& e = ex(id);
        if (e.op == Op::Const || e.op == Op::Param || e.op == Op::Local || e.op == Op::Fired ||
            e.op == Op::Emitted || ((e.op == Op::Var || e.op == Op::Load) && e.primed))
            return id;
        Expr copy = e;
        copy.primed = copy.op == Op::Var || copy.op == Op::Load ? true : copy.primed;
        for (auto& a : copy.args)
            if (a != kNoExpr) a = prime(a, loc);
        return add(copy);
    }

    Val elab_binary(const ast::Expr& e, Ctx& c) {
        const std::string& op = e.name;
        if (op == "and" || op == "or" || op == "=>") {
            Op o = op == "and" ? Op::And : op == "or" ? Op::Or : Op::Implies;
            ExprId a = elab_bool(*e.args[0], c, "the left side of '" + op + "'");
            DeadCode dead(dead_, settles(o, a));
            ExprId b = elab_bool(*e.args[1], c, "the right side of '" + op + "'");
            return scalar_val(mk_binary(o, a, b, e.loc));
        }
        if (op == "==" || op == "!=") {
            Val a, b;
            if (is_bare_member(*e.args[0]) && !is_bare_member(*e.args[1])) {
                b = elab(*e.args[1], c, std::nullopt);
                a = elab(*e.args[0], c, b.type);
            } else {
                a = elab(*e.args[0], c, std::nullopt);
                b = elab(*e.args[1], c, a.type);
            }
            if (!compatible(a.type, b.type))
                fail(e.loc, "cannot compare " + found(a.type) + " with " + found(b.type));
            ExprId eq = mk_equal(a, b, e.loc);
            return scalar_val(op == "==" ? eq : mk_unary(Op::Not, eq, e.loc));
        }
        ExprId a = elab_int(*e.args[0], c, "the left side of '" + op + "'");
        ExprId b = elab_int(*e.args[1], c, "the right side of '" + op + "'");
        if (op == "+") return scalar_val(mk_binary(Op::Add, a, b, e.loc));
        if (op == "-") return scalar_val(mk_binary(Op::Sub, a, b, e.loc));
        if (op == "*") return scalar_val(mk_binary(Op::Mul, a, b, e.loc));
        if (op == "/") return scalar_val(mk_binary(Op::Div, a, b, e.loc));
        if (op == "%") return scalar_val(mk_binary(Op::Mod, a, b, e.loc));
        if (op == "<") return scalar_val(mk_binary(Op::Lt, a, b, e.loc));
        if (op == "<=") return scalar_val(mk_binary(Op::Le, a, b, e.loc));
        if (op == ">") return scalar_val(mk_binary(Op::Lt, b, a, e.loc));
        return scalar_val(mk_binary(Op::Le, b, a, e.loc));  // >=
    }

    Val field_of(const Val& b, const std::string& name, SourceLoc loc) {
        const Type& t = ty(b.type);
        if (t.kind != Type::Kind::Record)
            fail(loc, "'." + name + "' needs a record, but this is " + m_.type_name(b.type));
        uint32_t offset = 0;
        for (const auto& f : t.fields) {
            uint32_t n = ty(f.type).scalar_count;
            if (f.name == name) {
                Val r;
                r.type = f.type;
                r.scalars.assign(b.scalars.begin() + offset, b.scalars.begin() + offset + n);
                return r;
            }
            offset += n;
        }
        std::string names;
        for (const auto& f : t.fields) names += (names.empty() ? "" : ", ") + f.name;
        fail(loc, "record has no field '" + name + "' (fields: " + names + ")");
    }

    Val elab_index(const ast::Expr& e, Ctx& c) {
        Val base = elab(*e.args[0], c, std::nullopt);
        const Type at = ty(base.type);
        if (at.kind != Type::Kind::Array)
            fail(e.loc, "indexing needs an array, but this is " + m_.type_name(base.type));
        const Type it = ty(at.index);
        Val idx = elab(*e.args[1], c, at.index);
        if (!compatible(idx.type, at.index))
            fail(e.args[1]->loc, "array index: expected " + m_.type_name(at.index) + ", found " + found(idx.type));
        return index_val(base, idx.scalars[0], e.loc);
    }

    Val index_val(const Val& base, ExprId index, SourceLoc loc) {
        const Type at = ty(base.type);
        const Type it = ty(at.index);
        uint32_t es = ty(at.elem).scalar_count;
        Val r;
        r.type = at.elem;
        if (is_const(index)) {
            int64_t k = int64_t(cval(index)) - it.lo;
            if (k < 0 || k >= it.domain_size()) {
                value_error(loc, "array index " + std::to_string(cval(index)) + " out of bounds " +
                                     std::to_string(it.lo) + ".." + std::to_string(it.hi));
                k = 0;
            }
            r.scalars.assign(base.scalars.begin() + k * es, base.scalars.begin() + (k + 1) * es);
            return r;
        }
        for (uint32_t p = 0; p < es; ++p) {
            ExprId s0 = base.scalars[p];
            const Expr& b = ex(s0);
            if (b.op == Op::Var || b.op == Op::Load) {
                Expr l;
                l.op = Op::Load;
                l.primed = b.primed;
                l.type = b.type;
                l.value = b.value;
                l.loc = loc;
                l.args = b.op == Op::Load ? b.args : std::vector<ExprId>{};
                l.index = b.op == Op::Load ? b.index : std::vector<IndexTerm>{};
                l.args.push_back(index);
                l.index.push_back({it.lo, it.domain_size(), es});
                r.scalars.push_back(add(l));
            } else {
                // Not a variable: select by comparing the index with every position.
                ExprId v = base.scalars[(it.domain_size() - 1) * es + p];
                for (int64_t k = int64_t(it.domain_size()) - 2; k >= 0; --k) {
                    ExprId hit = mk_binary(Op::Eq, index, mk_const(at.index, it.lo + k, loc), loc);
                    v = mk_ite(hit, base.scalars[k * es + p], v, loc);
                }
                r.scalars.push_back(v);
            }
        }
        return r;
    }

    std::vector<const ast::Decl*> inline_stack_;

    void enter_inline(const ast::Decl* d, SourceLoc loc) {
        budget_->tick();
        if (std::find(inline_stack_.begin(), inline_stack_.end(), d) != inline_stack_.end())
            fail(loc, "recursive call of '" + d->name + "' (functions and procedures are inlined and cannot recurse)");
        if (inline_stack_.size() > 64) fail(loc, "calls nested too deeply");
        inline_stack_.push_back(d);
    }

    Val elab_call(const ast::Expr& e, Ctx& c, std::optional<TypeId>) {
        auto it = globals_.find(e.name);
        if (it == globals_.end() || it->second.kind != GlobalSym::Kind::Fun) {
            if (lookup_local(e.name) || it != globals_.end())
                fail(e.loc, "'" + e.name + "' is not a function");
            fail(e.loc, "unknown function '" + e.name + "'" + declared_later_hint(e.name));
        }
        const Fun& f = funs_[it->second.index];
        if (e.args.size() != f.decl->params.size())
            fail(e.loc, "function '" + e.name + "' takes " + std::to_string(f.decl->params.size()) +
                            " argument(s), " + std::to_string(e.args.size()) + " given");
        std::vector<Val> args;
        for (size_t i = 0; i < e.args.size(); ++i) {
            Val v = elab(*e.args[i], c, f.param_types[i]);
            require_compatible(v.type, f.param_types[i], e.args[i]->loc,
                               "argument '" + f.decl->params[i].name + "'");
            args.push_back(fit(std::move(v), f.param_types[i], e.args[i]->loc, f.decl->params[i].name));
        }
        enter_inline(f.decl, e.loc);
        ScopeMark mark(scopes_);
        push_barrier();
        for (size_t i = 0; i < args.size(); ++i)
            scopes_.push_back(Binding{f.decl->params[i].name, args[i], false});
        // The body sees the caller's post-state mode through the arguments only.
        bool primed = c.primed;
        c.primed = false;
        Val r = elab(*f.decl->value, c, f.result);
        c.primed = primed;
        if (primed)
            for (auto& s : r.scalars) s = prime(s, e.loc);
        inline_stack_.pop_back();
        require_compatible(r.type, f.result, f.decl->value->loc, "the result of '" + e.name + "'");
        return fit(std::move(r), f.result, e.loc, e.name + "()");
    }

    Val elab_fires_emits(const ast::Expr& e, Ctx& c) {
        bool fires = e.kind == ast::Expr::Kind::Fires;
        const char* what = fires ? "fires" : "emits";
        if (!c.transition) fail(e.loc, std::string("'") + what + "' is only allowed in transition properties");
        if (c.primed) fail(e.loc, std::string("'") + what + "' cannot appear inside next(...)");
        const std::vector<Param>* params = nullptr;
        int32_t id = 0;
        if (fires) {
            auto a = m_.find_action(e.name);
            if (!a) fail(e.loc, "unknown action '" + e.name + "'" + declared_later_hint(e.name));
            params = &m_.actions[*a].params;
            id = int32_t(*a);
        } else {
            auto ev = m_.find_event(e.name);
            if (!ev) fail(e.loc, "unknown event '" + e.name + "'" + declared_later_hint(e.name));
            params = &m_.events[*ev].params;
            id = int32_t(*ev);
        }
        Expr r;
        r.op = fires ? Op::Fired : Op::Emitted;
        r.type = kBoolType;
        r.value = id;
        r.loc = e.loc;
        if (e.has_args) {
            if (e.args.size() != params->size())
                fail(e.loc, std::string(fires ? "action '" : "event '") + e.name + "' has " +
                                std::to_string(params->size()) + " parameter(s), " +
                                std::to_string(e.args.size()) + " given");
            const std::vector<Param> ps = *params;
            for (size_t i = 0; i < e.args.size(); ++i) {
                if (e.args[i]->kind == ast::Expr::Kind::Wildcard) {
                    r.args.push_back(kNoExpr);
                    continue;
                }
                Val v = elab(*e.args[i], c, ps[i].type);
                require_compatible(v.type, ps[i].type, e.args[i]->loc, "argument '" + ps[i].name + "'");
                r.args.push_back(v.scalars[0]);
            }
        } else {
            r.args.assign(params->size(), kNoExpr);
        }
        return scalar_val(add(r));
    }

    // A value known at check time must lie in the target's domain.
    void check_value_fits(const Val& v, TypeId target, SourceLoc loc) {
        if (!ty(target).is_scalar()) return;
        ExprId s = v.scalars[0];
        if (!is_const(s)) return;
        const Type& t = ty(target);
        if (cval(s) < t.lo || cval(s) > t.hi)
            value_error(loc, "value " + std::to_string(cval(s)) + " is out of range " + m_.type_name(target));
    }

    // A value passed where a type is declared (a fun or proc parameter, a
    // fun's result, an event argument) must lie in it, as an assignment's
    // value must: a constant is checked here, an integer whose interval is
    // wider than the declared range is wrapped in an InRange that every
    // engine checks when it is evaluated. `name` says what in the error.
    Val fit(Val v, TypeId declared, SourceLoc loc, const std::string& name) {
        std::vector<TypeId> types;
        flat_types(declared, types);
        for (size_t i = 0; i < v.scalars.size() && i < types.size(); ++i) {
            const Type& t = ty(types[i]);
            const Expr& x = ex(v.scalars[i]);
            if (!is_int(types[i]) || !is_int(x.type)) continue;
            if (is_const(v.scalars[i])) {
                if (x.value < t.lo || x.value > t.hi)
                    value_error(loc, "value " + std::to_string(x.value) + " is out of range " +
                                         m_.type_name(types[i]) + " for '" + name + "'");
                continue;
            }
            if (ty(x.type).lo >= t.lo && ty(x.type).hi <= t.hi) continue;
            m_.range_names.push_back(name);
            Expr r{Op::InRange, false, types[i], int32_t(m_.range_names.size() - 1), {v.scalars[i]}, {}, loc};
            v.scalars[i] = add(r);
        }
        if (ty(declared).is_scalar()) v.type = is_int(declared) ? ex(v.scalars[0]).type : declared;
        return v;
    }
    // The scalar types a value of type `t` flattens to, in order.
    void flat_types(TypeId t, std::vector<TypeId>& out) const {
        const Type& x = ty(t);
        if (x.is_scalar()) {
            out.push_back(t);
        } else if (x.kind == Type::Kind::Array) {
            for (uint32_t k = 0; k < ty(x.index).domain_size(); ++k) flat_types(x.elem, out);
        } else {
            for (const auto& f : x.fields) flat_types(f.type, out);
        }
    }

    // ------------------------------------------------------------------ statements
    struct Fun {
        const ast::Decl* decl;
        std::vector<TypeId> param_types;
        TypeId result;
    };
    struct Proc {
        const ast::Decl* decl;
        std::vector<TypeId> param_types;
    };
    std::vector<Fun> funs_;
    std::vector<Proc> procs_;

    uint32_t new_local(Ctx& c) { return (*c.local_count)++; }

    // Binds a value to fresh local slots (sequential semantics: later writes
    // do not change it) and returns the Val of those locals.
    Val bind_locals(const Val& v, Ctx& c, std::vector<Stmt>& out, SourceLoc loc) {
        Val r;
        r.type = v.type;
        for (ExprId s : v.scalars) {
            const Expr& e = ex(s);
            if (e.op == Op::Const || e.op == Op::Param || e.op == Op::Local) {
                r.scalars.push_back(s);
                continue;
            }
            uint32_t slot = new_local(c);
            Stmt let;
            let.kind = Stmt::Kind::Let;
            let.loc = loc;
            let.slot = slot;
            let.value = s;
            out.push_back(std::move(let));
            Expr l{Op::Local, false, e.type, int32_t(slot), {}, {}, loc};
            r.scalars.push_back(add(l));
        }
        return r;
    }

    // An assignment target. Dynamic indices are bound to locals first so that
    // writing part of a composite cannot move the rest of the target.
    Val elab_lvalue(const ast::Expr& e, Ctx& c, std::vector<Stmt>& out) {
        using K = ast::Expr::Kind;
        switch (e.kind) {
        case K::Name: {
            if (lookup_local(e.name)) fail(e.loc, "cannot assign to '" + e.name + "': it is a parameter or local, not a state variable");
            auto it = globals_.find(e.name);
            if (it == globals_.end()) fail(e.loc, "unknown identifier '" + e.name + "'" + declared_later_hint(e.name));
            if (it->second.kind != GlobalSym::Kind::Var)
                fail(e.loc, "cannot assign to '" + e.name + "': only state variables can be assigned");
            return elab_name(e, c, std::nullopt);
        }
        case K::Index: {
            Val base = elab_lvalue(*e.args[0], c, out);
            const Type at = ty(base.type);
            if (at.kind != Type::Kind::Array)
                fail(e.loc, "indexing needs an array, but this is " + m_.type_name(base.type));
            Val idx = elab(*e.args[1], c, at.index);
            if (!compatible(idx.type, at.index))
                fail(e.args[1]->loc, "array index: expected " + m_.type_name(at.index) + ", found " + found(idx.type));
            Val bound = bind_locals(idx, c, out, e.args[1]->loc);
            return index_val(base, bound.scalars[0], e.loc);
        }
        case K::Member: {
            Val b = elab_lvalue(*e.args[0], c, out);
            return field_of(b, e.name, e.loc);
        }
        default:
            fail(e.loc, "cannot assign to this expression; the target must be a state variable, an element or a field");
        }
    }

    void elab_block(const ast::Block& block, Ctx& c, std::vector<Stmt>& out) {
        ScopeMark mark(scopes_);
        for (const ast::Stmt& s : block) elab_stmt(s, c, out);
    }

    void elab_stmt(const ast::Stmt& s, Ctx& c, std::vector<Stmt>& out) {
        using K = ast::Stmt::Kind;
        switch (s.kind) {
        case K::Skip:
            return;
        case K::Assign: {
            Val target = elab_lvalue(*s.target, c, out);
            Val v = elab(*s.value, c, target.type);
            require_compatible(v.type, target.type, s.value->loc, "assignment");
            if (target.scalars.size() > 1) v = bind_locals(v, c, out, s.value->loc);
            for (size_t i = 0; i < target.scalars.size(); ++i) {
                ExprId val = v.scalars[i];
                const Type& tt = m_.scalar_type(ex(target.scalars[i]).value);
                const Expr& ve = ex(val);
                if (ve.op == Op::Const && (ve.value < tt.lo || ve.value > tt.hi))
                    value_error(s.value->loc, "value " + std::to_string(ve.value) + " is out of range " +
                                           m_.type_name(m_.scalars[ex(target.scalars[i]).value].type) +
                                           " for '" + m_.scalars[ex(target.scalars[i]).value].path + "'");
                Stmt a;
                a.kind = Stmt::Kind::Assign;
                a.loc = s.loc;
                a.target = target.scalars[i];
                a.value = val;
                out.push_back(std::move(a));
            }
            return;
        }
        case K::If: {
            // if/elif/else as nested Ifs; a constant condition keeps only its branch
            // (after checking the others), which is how profiles cost nothing.
            elab_if(s, 0, c, out);
            return;
        }
        case K::Emit: {
            auto ev = m_.find_event(s.name);
            if (!ev) fail(s.name_loc, "unknown event '" + s.name + "'" + declared_later_hint(s.name));
            const EventDef def = m_.events[*ev];
            if (s.args.size() != def.params.size())
                fail(s.loc, "event '" + s.name + "' has " + std::to_string(def.params.size()) +
                                " parameter(s), " + std::to_string(s.args.size()) + " given");
            Stmt st;
            st.kind = Stmt::Kind::Emit;
            st.loc = s.loc;
            st.slot = *ev;
            for (size_t i = 0; i < s.args.size(); ++i) {
                Val v = elab(*s.args[i], c, def.params[i].type);
                require_compatible(v.type, def.params[i].type, s.args[i]->loc, "argument '" + def.params[i].name + "'");
                v = fit(std::move(v), def.params[i].type, s.args[i]->loc, s.name + "(" + def.params[i].name + ")");
                st.args.push_back(v.scalars[0]);
            }
            out.push_back(std::move(st));
            return;
        }
        case K::Let: {
            Val v = elab(*s.value, c, std::nullopt);
            check_fresh(s.name, s.name_loc);
            Val bound = bind_locals(v, c, out, s.loc);
            if (ty(v.type).is_scalar() && bound.scalars.size() == 1) bound.type = ex(bound.scalars[0]).type;
            scopes_.push_back(Binding{s.name, bound, false});
            return;
        }
        case K::For: {
            TypeId dom = scalar_domain(*s.range, "a loop range");
            const Type d = ty(dom);
            for (int64_t v = d.lo; v <= d.hi; ++v) {
                ScopeMark mark(scopes_);
                check_fresh(s.name, s.name_loc);
                scopes_.push_back(Binding{s.name, scalar_val(mk_const(dom, v, s.loc)), false});
                elab_block(s.body, c, out);
            }
            return;
        }
        case K::Assert: {
            ExprId cond = elab_bool(*s.value, c, "an assertion");
            if (is_const(cond) && cval(cond)) return;
            Stmt st;
            st.kind = Stmt::Kind::Assert;
            st.loc = s.loc;
            st.value = cond;
            st.message = s.message.empty() ? "assertion failed" : s.message;
            out.push_back(std::move(st));
            return;
        }
        case K::Call: {
            auto it = globals_.find(s.name);
            if (it == globals_.end() || it->second.kind != GlobalSym::Kind::Proc) {
                if (it != globals_.end() && it->second.kind == GlobalSym::Kind::Fun)
                    fail(s.name_loc, "'" + s.name + "' is a function; a function call is a value, not a statement");
                fail(s.name_loc, "unknown procedure '" + s.name + "'" + declared_later_hint(s.name));
            }
            const Proc& p = procs_[it->second.index];
            if (s.args.size() != p.decl->params.size())
                fail(s.loc, "procedure '" + s.name + "' takes " + std::to_string(p.decl->params.size()) +
                                " argument(s), " + std::to_string(s.args.size()) + " given");
            std::vector<Val> args;
            for (size_t i = 0; i < s.args.size(); ++i) {
                Val v = elab(*s.args[i], c, p.param_types[i]);
                require_compatible(v.type, p.param_types[i], s.args[i]->loc, "argument '" + p.decl->params[i].name + "'");
                v = fit(std::move(v), p.param_types[i], s.args[i]->loc, p.decl->params[i].name);
                // Arguments are passed by value, evaluated at the call.
                v = bind_locals(v, c, out, s.args[i]->loc);
                v.type = p.param_types[i];
                args.push_back(std::move(v));
            }
            enter_inline(p.decl, s.loc);
            {
                ScopeMark mark(scopes_);
                push_barrier();
                for (size_t i = 0; i < args.size(); ++i)
                    scopes_.push_back(Binding{p.decl->params[i].name, args[i], false});
                elab_block(p.decl->body, c, out);
            }
            inline_stack_.pop_back();
            return;
        }
        }
    }

    void elab_if(const ast::Stmt& s, size_t k, Ctx& c, std::vector<Stmt>& out) {
        if (k == s.conds.size()) {
            if (s.blocks.size() > s.conds.size()) elab_block(s.blocks.back(), c, out);
            return;
        }
        ExprId cond = elab_bool(*s.conds[k], c, "an if condition");
        std::vector<Stmt> then_body, else_body;
        {
            DeadCode dead(dead_, is_const(cond) && !cval(cond));
            elab_block(s.blocks[k], c, then_body);
        }
        {
            DeadCode dead(dead_, is_const(cond) && cval(cond));
            elab_if(s, k + 1, c, else_body);
        }
        if (is_const(cond)) {
            auto& taken = cval(cond) ? then_body : else_body;
            for (auto& st : taken) out.push_back(std::move(st));
            return;
        }
        Stmt st;
        st.kind = Stmt::Kind::If;
        st.loc = s.loc;
        st.value = cond;
        st.then_body = std::move(then_body);
        st.else_body = std::move(else_body);
        out.push_back(std::move(st));
    }

    // ------------------------------------------------------------------ declarations
    void declare(const Decl& d) {
        using K = Decl::Kind;
        switch (d.kind) {
        case K::Const: {
            Ctx c;
            c.const_only = true;
            std::optional<TypeId> declared;
            if (d.type) {
                declared = resolve_type(*d.type);
                if (!ty(*declared).is_scalar()) fail(d.type->loc, "a constant must have a scalar type");
            }
            Val v = elab(*d.value, c, declared);
            ExprId s = scalar_of(v, d.value->loc, "a constant");
            if (!is_const(s)) fail(d.value->loc, "the value of a constant must be a constant expression");
            TypeId type = declared ? *declared : v.type;
            if (declared) {
                require_compatible(v.type, *declared, d.value->loc, "constant '" + d.name + "'");
                check_value_fits(v, *declared, d.value->loc);
            } else if (is_int(type)) {
                type = int_type(kIntMin, kIntMax, d.loc);
            }
            ConstValue cv{d.name, type, cval(s), false};
            if (auto it = overrides_.find(d.name); it != overrides_.end()) {
                used_overrides_.insert(d.name);
                auto parsed = parse_override(type, it->second);
                if (!parsed)
                    throw UsageError(set_by(d.name, it->second) + ": '" + it->second + "' is not " +
                                     (declared ? "a value of " + m_.type_name(type) + describe_domain(type)
                                               : std::string("an integer")));
                cv.value = *parsed;
                cv.overridden = true;
            }
            define_global(d.name, d.name_loc, GlobalSym::Kind::Const, uint32_t(m_.consts.size()));
            m_.consts.push_back(cv);
            return;
        }
        case K::Enum: {
            define_global(d.name, d.name_loc, GlobalSym::Kind::Enum, uint32_t(m_.enums.size()));
            EnumDef en{d.name, {}};
            en.members.reserve(d.members.size());
            const uint32_t enum_index = uint32_t(m_.enums.size());
            for (size_t i = 0; i < d.members.size(); ++i) {
                budget_->tick();
                const std::string& mem = d.members[i];
                // A duplicate is found through the member index (this enum's
                // entries are the last ones added), not by scanning the members
                // so far: that scan made an enum of 100,000 members take 15 s.
                std::vector<std::pair<uint32_t, uint32_t>>& seen = members_[mem];
                if (!seen.empty() && seen.back().first == enum_index)
                    fail(d.member_locs[i], "duplicate member '" + mem + "' in enum '" + d.name + "'");
                if (auto it = globals_.find(mem); it != globals_.end())
                    fail(d.member_locs[i], "enum member '" + mem + "' clashes with the name declared at line " +
                                               std::to_string(it->second.loc.line));
                en.members.push_back(mem);
                seen.push_back({enum_index, uint32_t(i)});
            }
            m_.enums.push_back(std::move(en));
            return;
        }
        case K::Type: {
            TypeId t = resolve_type(*d.type);
            define_global(d.name, d.name_loc, GlobalSym::Kind::Type, uint32_t(named_types_.size()));
            named_types_.push_back(t);
            return;
        }
        case K::Var:
            declare_var(d);
            return;
        case K::Event: {
            if (m_.find_event(d.name)) fail(d.name_loc, "duplicate event '" + d.name + "'");
            EventDef ev{d.name, d.name_loc, {}};
            for (const auto& p : d.params) {
                for (const auto& q : ev.params)
                    if (q.name == p.name) fail(p.loc, "duplicate parameter '" + p.name + "'");
                ev.params.push_back({p.name, scalar_domain(*p.type, "an event parameter")});
            }
            m_.events.push_back(std::move(ev));
            return;
        }
        case K::Fun: {
            Fun f{&d, {}, 0};
            for (const auto& p : d.params) f.param_types.push_back(resolve_type(*p.type));
            f.result = resolve_type(*d.type);
            define_global(d.name, d.name_loc, GlobalSym::Kind::Fun, uint32_t(funs_.size()));
            funs_.push_back(f);
            // Check the body once with its parameters unknown.
            check_callable(d, f.param_types, [&](Ctx& c) {
                Val r = elab(*d.value, c, f.result);
                require_compatible(r.type, f.result, d.value->loc, "the result of '" + d.name + "'");
            });
            return;
        }
        case K::Proc: {
            Proc p{&d, {}};
            for (const auto& q : d.params) p.param_types.push_back(resolve_type(*q.type));
            define_global(d.name, d.name_loc, GlobalSym::Kind::Proc, uint32_t(procs_.size()));
            procs_.push_back(p);
            check_callable(d, p.param_types, [&](Ctx& c) {
                std::vector<Stmt> sink;
                elab_block(d.body, c, sink);
            });
            return;
        }
        case K::Action:
            declare_action(d);
            return;
        case K::Init: {
            Ctx c;
            uint32_t locals = 0;
            c.local_count = &locals;
            ExprId e = elab_bool(*d.value, c, "an init constraint");
            if (is_const(e) && !cval(e)) fail(d.value->loc, "this init constraint is always false");
            if (!is_const(e)) m_.init_constraints.push_back(e);
            return;
        }
        case K::Final: {
            Ctx c;
            ExprId e = elab_bool(*d.value, c, "a final-state predicate");
            m_.final_pred = m_.final_pred == kNoExpr ? e : mk_binary(Op::Or, m_.final_pred, e, d.loc);
            return;
        }
        case K::Invariant:
        case K::Transition: {
            if (m_.find_property(d.name)) fail(d.name_loc, "duplicate property '" + d.name + "'");
            Property p;
            p.kind = d.kind == K::Invariant ? Property::Kind::Invariant : Property::Kind::Transition;
            p.name = d.name;
            p.loc = d.name_loc;
            Ctx c;
            c.transition = p.kind == Property::Kind::Transition;
            c.local_count = &p.local_count;
            p.expr = elab_bool(*d.value, c, p.kind == Property::Kind::Invariant ? "an invariant" : "a transition property");
            m_.properties.push_back(p);
            return;
        }
        }
    }

    // Type-checks a fun/proc body once, with parameters bound to placeholders;
    // the IR it produces is discarded (bodies are inlined at each use).
    template <class F>
    void check_callable(const Decl& d, const std::vector<TypeId>& param_types, F&& body) {
        size_t mark_exprs = m_.exprs.size();
        enter_inline(&d, d.loc);
        ScopeMark mark(scopes_);
        push_barrier();
        uint32_t locals = 0;
        Ctx c;
        c.in_action = true;
        // A fun may use next/fires/emits: each call is elaborated again where
        // it is inlined, and only there does the context decide.
        c.transition = d.kind == Decl::Kind::Fun;
        c.local_count = &locals;
        for (size_t i = 0; i < d.params.size(); ++i) {
            for (size_t j = 0; j < i; ++j)
                if (d.params[j].name == d.params[i].name) fail(d.params[i].loc, "duplicate parameter '" + d.params[i].name + "'");
            check_fresh(d.params[i].name, d.params[i].loc);
            Val v;
            v.type = param_types[i];
            for (uint32_t k = 0; k < ty(param_types[i]).scalar_count; ++k) {
                TypeId st = param_types[i];
                if (!ty(st).is_scalar()) st = first_scalar_type(param_types[i], k);
                Expr l{Op::Local, false, st, int32_t(locals++), {}, {}, d.params[i].loc};
                v.scalars.push_back(add(l));
            }
            scopes_.push_back(Binding{d.params[i].name, v, false});
        }
        body(c);
        inline_stack_.pop_back();
        m_.exprs.resize(mark_exprs);
    }

    // The scalar type of the k-th scalar of a composite type.
    TypeId first_scalar_type(TypeId t, uint32_t k) const {
        const Type& x = ty(t);
        if (x.is_scalar()) return t;
        if (x.kind == Type::Kind::Array) {
            uint32_t es = ty(x.elem).scalar_count;
            return first_scalar_type(x.elem, k % es);
        }
        for (const auto& f : x.fields) {
            uint32_t n = ty(f.type).scalar_count;
            if (k < n) return first_scalar_type(f.type, k);
            k -= n;
        }
        return kBoolType;
    }

    void declare_var(const Decl& d) {
        TypeId t = resolve_type(*d.type);
        if (m_.scalars.size() + ty(t).scalar_count > 1'000'000) fail(d.loc, "too many state scalars");
        StateVar v{d.name, t, uint32_t(m_.scalars.size()), d.name_loc};
        uint32_t var_index = uint32_t(m_.vars.size());
        flatten(t, d.name, var_index);
        std::vector<int32_t> init;
        if (d.value) {
            Ctx c;
            c.const_only = true;
            // An element-typed initial value fills every element of an array
            // (`var aw : array[2] of Aw = {kind: Free, st: Init}`). Initial
            // values are scalars or record literals, never whole arrays.
            std::vector<TypeId> levels{t};
            while (ty(levels.back()).kind == Type::Kind::Array) levels.push_back(ty(levels.back()).elem);
            bool record_literal = d.value->kind == ast::Expr::Kind::Record;
            TypeId hint = levels.back();
            if (record_literal)
                for (TypeId l : levels)
                    if (ty(l).kind == Type::Kind::Record) { hint = l; break; }
            Val val = elab(*d.value, c, hint);
            TypeId target = t;
            uint32_t reps = 1;
            for (TypeId l : levels) {
                target = l;
                if (compatible(val.type, l)) break;
                if (ty(l).kind == Type::Kind::Array) reps *= ty(ty(l).index).domain_size();
            }
            require_compatible(val.type, target, d.value->loc, "initial value of '" + d.name + "'");
            for (uint32_t r = 0; r < reps; ++r) {
                for (size_t i = 0; i < val.scalars.size(); ++i) {
                    ExprId s = val.scalars[i];
                    if (!is_const(s)) fail(d.value->loc, "an initial value must be a constant expression (use 'init' for constraints)");
                    init.push_back(cval(s));
                }
            }
            for (size_t i = 0; i < init.size(); ++i) {
                Scalar& sc = m_.scalars[v.first_scalar + i];
                const Type& st = ty(sc.type);
                if (init[i] < st.lo || init[i] > st.hi)
                    fail(d.value->loc, "initial value " + std::to_string(init[i]) + " is out of range " +
                                           m_.type_name(sc.type) + " for '" + sc.path + "'");
                sc.init = init[i];
            }
        }
        define_global(d.name, d.name_loc, GlobalSym::Kind::Var, var_index);
        m_.vars.push_back(v);
    }

    void flatten(TypeId t, const std::string& path, uint32_t var) {
        const Type x = ty(t);
        switch (x.kind) {
        case Type::Kind::Array: {
            const Type it = ty(x.index);
            for (int64_t i = it.lo; i <= it.hi; ++i)
                flatten(x.elem, path + "[" + m_.format_value(x.index, int32_t(i)) + "]", var);
            return;
        }
        case Type::Kind::Record:
            for (const auto& f : x.fields) flatten(f.type, path + "." + f.name, var);
            return;
        default:
            m_.scalars.push_back(Scalar{path, t, var, std::nullopt});
        }
    }

    void declare_action(const Decl& d) {
        if (m_.find_action(d.name)) fail(d.name_loc, "duplicate action '" + d.name + "'");
        Action a;
        a.name = d.name;
        a.loc = d.name_loc;
        ScopeMark mark(scopes_);
        push_barrier();
        uint64_t instances = 1;
        for (size_t i = 0; i < d.params.size(); ++i) {
            const auto& p = d.params[i];
            for (size_t j = 0; j < i; ++j)
                if (d.params[j].name == p.name) fail(p.loc, "duplicate parameter '" + p.name + "'");
            check_fresh(p.name, p.loc);
            TypeId pt = scalar_domain(*p.type, "an action parameter");
            instances *= ty(pt).domain_size();
            if (instances > 1'000'000)
                fail(p.loc, "action '" + d.name + "' has more than 1000000 parameter combinations");
            a.params.push_back({p.name, pt});
            Expr pe{Op::Param, false, pt, int32_t(i), {}, {}, p.loc};
            scopes_.push_back(Binding{p.name, scalar_val(add(pe)), false});
        }
        Ctx c;
        c.in_action = true;
        c.local_count = &a.local_count;
        a.guard = d.value ? elab_bool(*d.value, c, "the guard of action '" + d.name + "'") : mk_bool(true, d.loc);
        elab_block(d.body, c, a.body);
        m_.actions.push_back(std::move(a));
    }

    std::optional<int32_t> parse_override(TypeId t, const std::string& text) {
        if (is_int(t)) {
            // Integers are checked against the declared range, if any.
            try {
                size_t used = 0;
                long long v = std::stoll(text, &used);
                if (used != text.size()) return std::nullopt;
                if (v < ty(t).lo || v > ty(t).hi) return std::nullopt;
                return int32_t(v);
            } catch (...) {
                return std::nullopt;
            }
        }
        return m_.parse_value(t, text);
    }
    std::string describe_domain(TypeId t) const {
        const Type& x = ty(t);
        if (x.kind == Type::Kind::Enum) {
            std::string s;
            for (const auto& mname : m_.enums[x.enum_id].members) s += (s.empty() ? "" : ", ") + mname;
            return " (one of: " + s + ")";
        }
        if (x.kind == Type::Kind::Bool) return " (true or false)";
        return "";
    }

    std::shared_ptr<const SourceFile> file_;
    const ConstOverrides& overrides_;
    const ConstOrigins& origins_;
    std::set<std::string> used_overrides_;
    Budget no_budget_;
    Budget* budget_;

    // "--const NAME=VALUE", or the origin named for NAME.
    std::string set_by(const std::string& name, const std::string& value) const {
        auto it = origins_.find(name);
        return (it == origins_.end() ? std::string("--const") : it->second) + " " + name + "=" + value;
    }
    Machine m_;
    std::unordered_map<std::string, GlobalSym> globals_;
    std::unordered_map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> members_;
    std::unordered_map<std::string, SourceLoc> later_;
    std::vector<TypeId> named_types_;
    std::map<std::pair<int32_t, int32_t>, TypeId> int_types_;
    std::map<uint32_t, TypeId> enum_types_;
    int depth_ = 0;
    int dead_ = 0;  ///< > 0 while elaborating code the evaluator never runs (DeadCode)
};

}  // namespace

Machine check(const ast::Spec& spec, std::shared_ptr<const SourceFile> file, const ConstOverrides& overrides,
              Budget* budget, const ConstOrigins& origins) {
    return Checker(std::move(file), overrides, budget, origins).run(spec);
}

Machine load_spec_text(const std::string& name, std::string text, const ConstOverrides& overrides, Budget* budget,
                       const ConstOrigins& origins) {
    auto file = std::make_shared<const SourceFile>(name, std::move(text));
    if (budget) {
        budget->phase("parsing");
        budget->check();
    }
    ast::Spec spec = parse(file);
    return check(spec, file, overrides, budget, origins);
}

Machine load_spec(const std::string& path, const ConstOverrides& overrides, Budget* budget,
                  const ConstOrigins& origins) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(path + ": cannot open spec file");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw UsageError(path + ": cannot read spec file");
    std::string text = buf.str();
    return load_spec_text(path, std::move(text), overrides, budget, origins);
}

}  // namespace stateproof::spec
