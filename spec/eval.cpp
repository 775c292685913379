#include "spec/eval.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace stateproof::spec {

namespace detail {

enum class Opc : uint8_t {
    Imm,      // r[a] = b
    Mov,      // r[a] = r[b]
    Not,      // r[a] = !r[b]
    Neg,      // r[a] = -r[b]
    Add, Sub, Mul, Div, Mod, Eq, Ne, Lt, Le,   // r[a] = r[b] op r[c]; Div/Mod: d = error
    AddI, MulI, EqI, NeI, LtI, LeI, GtI, GeI,  // r[a] = r[b] op c
    Jmp,      // pc = a
    Jz,       // if !r[a] pc = b
    Jnz,      // if r[a] pc = b
    IdxCheck, // r[a] = r[b] - c, error d unless 0 <= r[a] < e
    LoadX,    // r[a] = r[b + r[c]]
    StoreX,   // r[a + r[b]] = r[c]
    Range,    // error d unless lo <= r[a] <= hi (error table)
    Emit,     // event a, args r[b .. b+c)
    Match,    // r[a] = the last fire emitted a pattern-table b event
    Assert,   // error d if !r[a]
    Fail,     // error d
    Ret,      // return r[a]
    RetI,     // return a
};

struct Instr {
    Opc op;
    int32_t a = 0, b = 0, c = 0, d = 0, e = 0;
};

struct Program {
    std::vector<Instr> code;
    bool empty() const { return code.empty(); }
};

struct Opnd {
    bool is_const;
    int32_t v;  // the value, or the register
};

struct MatchPattern {
    uint32_t event;
    std::vector<std::optional<Opnd>> args;  // nullopt = wildcard
};

struct CompiledInstance {
    // Guard conjuncts of the form `scalar == constant`, as values and as a
    // packed-state prefilter: (word & mask) == value for every entry.
    std::vector<std::pair<uint32_t, int32_t>> required;
    std::vector<std::pair<uint32_t, std::pair<uint64_t, uint64_t>>> filter;
    Program guard;  // residual guard; empty = true
    Program body;
    std::vector<uint32_t> writes;  // scalars the body may write
    // The same as packed fields, so pack_post needs no layout lookups.
    struct Write {
        uint32_t scalar, word, shift;
        uint64_t mask;
        int32_t lo;
    };
    std::vector<Write> write_fields;
    bool full_pack = false;
    // Packed fast path (when the body is only static assignments of constants
    // or `scalar + constant`): field operations straight on the packed state.
    struct FastOp {
        uint32_t word, shift;  // the target field
        uint64_t mask;
        int32_t lo, hi;        // the target's domain
        bool copy;             // value = source field + delta; else value = delta
        uint32_t src_word, src_shift;
        uint64_t src_mask;
        int32_t src_lo;
        int32_t delta;
        int32_t error;         // error table entry for a value out of range
    };
    std::vector<FastOp> fast;
    bool has_fast = false;
};

// Error table entry: the message is built when the error fires, with the value.
enum class ErrKind : uint8_t { Index, Range, DivZero, Assert };
struct ErrorInfo {
    ErrKind kind;
    SourceLoc loc;
    int32_t lo = 0, hi = 0;
    std::string text;  // assert message, or "value\x1ftarget" for range errors
};

}  // namespace detail

using namespace detail;

namespace {

// Lowers IR to bytecode for one context (an action instance, a property, ...).
class Compiler {
  public:
    Compiler(const Machine& m, uint32_t S, uint32_t label_base, uint32_t local_base,
             std::vector<ErrorInfo>& errors, std::vector<MatchPattern>& patterns)
        : m_(m), S_(S), label_base_(label_base), local_base_(local_base), errors_(errors),
          patterns_(patterns) {}

    uint32_t temp_base = 0;     // set before use: first temp register
    uint32_t max_temp = 0;      // highest temp register used + 1
    uint32_t unprimed_area = 0; // 0 = PRE, S = POST
    const std::vector<int32_t>* args = nullptr;
    std::set<uint32_t>* writes = nullptr;
    uint32_t emit_words = 0;

    Program predicate(ExprId e) {
        Program p;
        code_ = &p.code;
        locals_.clear();
        reset_temps();
        Opnd r = value(e);
        emit_ret(r);
        return p;
    }

    Program body(const std::vector<Stmt>& stmts) {
        Program p;
        code_ = &p.code;
        locals_.clear();
        block(stmts);
        emit(Opc::RetI, 1);
        return p;
    }

    // Compiles a conjunction of predicates (the residual guard).
    Program conjunction(const std::vector<ExprId>& parts) {
        Program p;
        code_ = &p.code;
        locals_.clear();
        reset_temps();
        std::vector<size_t> to_false;
        for (ExprId e : parts) {
            Opnd r = value(e);
            if (r.is_const) {
                if (!r.v) {
                    emit(Opc::RetI, 0);
                    return p;
                }
                continue;
            }
            to_false.push_back(code_->size());
            emit(Opc::Jz, r.v, 0);
        }
        emit(Opc::RetI, 1);
        size_t false_pc = code_->size();
        emit(Opc::RetI, 0);
        for (size_t j : to_false) (*code_)[j].b = int32_t(false_pc);
        return p;
    }

    // --- compile-time evaluation under the instance's arguments
    std::optional<int32_t> const_value(ExprId id) {
        size_t mark = code_holder_.size();
        std::vector<Instr>* saved = code_;
        code_ = &code_holder_;
        auto saved_locals = locals_;
        uint32_t saved_next = next_temp_, saved_max = max_temp;
        Opnd r = value(id);
        bool clean = code_holder_.size() == mark;
        code_holder_.resize(mark);
        code_ = saved;
        locals_ = saved_locals;
        next_temp_ = saved_next;
        max_temp = saved_max;
        if (r.is_const && clean) return r.v;
        return std::nullopt;
    }
    // A Var or a Load whose indices are all constant: the scalar it reads.
    std::optional<uint32_t> static_scalar(ExprId id) {
        const Expr& e = m_.expr(id);
        if (e.primed) return std::nullopt;
        if (e.op == Op::Var) return uint32_t(e.value);
        if (e.op != Op::Load) return std::nullopt;
        int64_t s = e.value;
        for (size_t k = 0; k < e.args.size(); ++k) {
            auto v = const_value(e.args[k]);
            if (!v) return std::nullopt;
            int64_t off = int64_t(*v) - e.index[k].lo;
            if (off < 0 || off >= e.index[k].count) return std::nullopt;
            s += off * e.index[k].stride;
        }
        return uint32_t(s);
    }

    // The packed fast path of a body, if it is only static assignments whose
    // values are constants or `scalar +/- constant` reading a scalar not
    // assigned earlier in the body (so the pre-state value is the current one).
    bool fast_path(const std::vector<Stmt>& body, const StateLayout& layout, std::vector<CompiledInstance::FastOp>& out) {
        std::set<uint32_t> written;
        for (const Stmt& st : body) {
            if (st.kind != Stmt::Kind::Assign) return false;
            auto target = static_scalar(st.target);
            if (!target) return false;
            const FieldLayout& f = layout.field(*target);
            const Type& tt = m_.scalar_type(*target);
            CompiledInstance::FastOp op{f.word, f.shift, f.mask, tt.lo, tt.hi, false, 0, 0, 0, 0, 0, 0};
            if (auto k = const_value(st.value)) {
                if (*k < tt.lo || *k > tt.hi) return false;  // the slow path reports it
                op.delta = *k;
            } else {
                const Expr& v = m_.expr(st.value);
                if (v.op != Op::Add && v.op != Op::Sub) return false;
                std::optional<uint32_t> src = static_scalar(v.args[0]);
                std::optional<int32_t> d = const_value(v.args[1]);
                if (!(src && d) && v.op == Op::Add) {
                    src = static_scalar(v.args[1]);
                    d = const_value(v.args[0]);
                }
                if (!src || !d || written.count(*src)) return false;
                const FieldLayout& g = layout.field(*src);
                op.copy = true;
                op.src_word = g.word;
                op.src_shift = g.shift;
                op.src_mask = g.mask;
                op.src_lo = g.lo;
                op.delta = v.op == Op::Add ? *d : -*d;
                op.error = error(ErrKind::Range, st.loc, tt.lo, tt.hi, "\x1f" + m_.scalars[*target].path);
            }
            written.insert(*target);
            out.push_back(op);
        }
        return true;
    }

  private:
    void reset_temps() { next_temp_ = temp_base; }
    int32_t temp() {
        uint32_t t = next_temp_++;
        max_temp = std::max(max_temp, next_temp_);
        return int32_t(t);
    }
    void emit(Opc op, int32_t a = 0, int32_t b = 0, int32_t c = 0, int32_t d = 0, int32_t e = 0) {
        code_->push_back(Instr{op, a, b, c, d, e});
    }
    void emit_ret(Opnd r) {
        if (r.is_const) emit(Opc::RetI, r.v);
        else emit(Opc::Ret, r.v);
    }
    int32_t error(ErrKind k, SourceLoc loc, int32_t lo = 0, int32_t hi = 0, std::string text = {}) {
        errors_.push_back(ErrorInfo{k, loc, lo, hi, std::move(text)});
        return int32_t(errors_.size() - 1);
    }
    int32_t reg_of(Opnd o) {
        if (!o.is_const) return o.v;
        int32_t t = temp();
        emit(Opc::Imm, t, o.v);
        return t;
    }
    static Opnd K(int32_t v) { return {true, v}; }
    static Opnd R(int32_t r) { return {false, r}; }

    // The register holding scalar `base` at a (possibly dynamic) position, for a
    // Var/Load expression. Returns {static register} or {base register, index register}.
    struct Place {
        bool dynamic;
        int32_t reg;    // static register, or base register for dynamic
        int32_t index;  // index register when dynamic
        bool fails;     // an index is constant and out of bounds: emitted Fail
        // The index terms that are computed at run time. Every other term
        // folded to a constant (a literal, a parameter, `p + 1`, ...) and is
        // already part of `reg`: the write set must enumerate exactly these.
        std::vector<uint32_t> dynamic_terms = {};
    };
    Place place(const Expr& e, uint32_t area) {
        if (e.op == Op::Var) return {false, int32_t(area + e.value), 0, false};
        int64_t const_off = 0;
        int32_t dyn = -1;
        std::vector<uint32_t> dynamic_terms;
        for (size_t k = 0; k < e.args.size(); ++k) {
            const IndexTerm& t = e.index[k];
            Opnd i = value(e.args[k]);
            if (i.is_const) {
                int64_t off = int64_t(i.v) - t.lo;
                if (off < 0 || off >= t.count) {
                    emit(Opc::Fail, 0, 0, 0, error(ErrKind::Index, e.loc, t.lo, t.lo + int32_t(t.count) - 1, std::to_string(i.v)));
                    return {false, int32_t(area + e.value), 0, true};
                }
                const_off += off * t.stride;
                continue;
            }
            dynamic_terms.push_back(uint32_t(k));
            int32_t r = temp();
            emit(Opc::IdxCheck, r, i.v, t.lo, error(ErrKind::Index, e.loc, t.lo, t.lo + int32_t(t.count) - 1),
                 int32_t(t.count));
            if (t.stride != 1) emit(Opc::MulI, r, r, int32_t(t.stride));
            if (dyn < 0) {
                dyn = r;
            } else {
                emit(Opc::Add, dyn, dyn, r);
            }
        }
        int32_t base = int32_t(area + e.value + const_off);
        if (dyn < 0) return {false, base, 0, false};
        return {true, base, dyn, false, std::move(dynamic_terms)};
    }

    Opnd value(ExprId id) {
        const Expr& e = m_.expr(id);
        switch (e.op) {
        case Op::Const:
            return K(e.value);
        case Op::Param:
            return K((*args)[e.value]);
        case Op::Local: {
            auto it = locals_.find(e.value);
            if (it != locals_.end()) return it->second;
            return R(int32_t(local_base_ + e.value));
        }
        case Op::Var:
        case Op::Load: {
            Place p = place(e, e.primed ? S_ : unprimed_area);
            if (!p.dynamic) return R(p.reg);
            int32_t t = temp();
            emit(Opc::LoadX, t, p.reg, p.index);
            return R(t);
        }
        case Op::Not: {
            Opnd a = value(e.args[0]);
            if (a.is_const) return K(!a.v);
            int32_t t = temp();
            emit(Opc::Not, t, a.v);
            return R(t);
        }
        case Op::Neg: {
            Opnd a = value(e.args[0]);
            if (a.is_const) return K(-a.v);
            int32_t t = temp();
            emit(Opc::Neg, t, a.v);
            return R(t);
        }
        case Op::And:
        case Op::Or:
        case Op::Implies:
            return logic(e);
        case Op::Ite: {
            Opnd c = value(e.args[0]);
            if (c.is_const) return value(e.args[c.v ? 1 : 2]);
            int32_t t = temp();
            size_t jz = code_->size();
            emit(Opc::Jz, c.v, 0);
            Opnd a = value(e.args[1]);
            emit(a.is_const ? Opc::Imm : Opc::Mov, t, a.v);
            size_t jmp = code_->size();
            emit(Opc::Jmp, 0);
            (*code_)[jz].b = int32_t(code_->size());
            Opnd b = value(e.args[2]);
            emit(b.is_const ? Opc::Imm : Opc::Mov, t, b.v);
            (*code_)[jmp].a = int32_t(code_->size());
            return R(t);
        }
        case Op::Fired: {
            int32_t t = temp();
            emit(Opc::EqI, t, int32_t(label_base_), e.value);
            std::vector<size_t> jumps;
            for (size_t k = 0; k < e.args.size(); ++k) {
                if (e.args[k] == kNoExpr) continue;
                jumps.push_back(code_->size());
                emit(Opc::Jz, t, 0);
                Opnd v = value(e.args[k]);
                int32_t arg = int32_t(label_base_ + 1 + k);
                if (v.is_const) emit(Opc::EqI, t, arg, v.v);
                else emit(Opc::Eq, t, arg, v.v);
            }
            for (size_t j : jumps) (*code_)[j].b = int32_t(code_->size());
            return R(t);
        }
        case Op::InRange: {
            const Type& t = m_.types[e.type];
            Opnd a = value(e.args[0]);
            const std::string& name = m_.range_names[e.value];
            if (a.is_const) {
                if (a.v < t.lo || a.v > t.hi)
                    emit(Opc::Fail, 0, 0, 0, error(ErrKind::Range, e.loc, t.lo, t.hi, std::to_string(a.v) + "\x1f" + name));
                return a;
            }
            emit(Opc::Range, a.v, t.lo, t.hi, error(ErrKind::Range, e.loc, t.lo, t.hi, "\x1f" + name));
            return a;
        }
        case Op::Emitted: {
            MatchPattern pat{uint32_t(e.value), {}};
            for (ExprId a : e.args) {
                if (a == kNoExpr) pat.args.push_back(std::nullopt);
                else pat.args.push_back(value(a));
            }
            patterns_.push_back(pat);
            int32_t t = temp();
            emit(Opc::Match, t, int32_t(patterns_.size() - 1));
            return R(t);
        }
        default:
            return arith(e);
        }
    }

    Opnd logic(const Expr& e) {
        Opnd a = value(e.args[0]);
        bool is_and = e.op == Op::And;
        // Implies(a, b) = !a || b
        if (a.is_const) {
            bool av = a.v != 0;
            if (e.op == Op::Implies) av = !av;
            if (is_and && !av) return K(0);
            if (!is_and && av) return K(1);
            return value(e.args[1]);
        }
        int32_t t = temp();
        if (e.op == Op::Implies) emit(Opc::Not, t, a.v);
        else emit(Opc::Mov, t, a.v);
        size_t j = code_->size();
        emit(is_and ? Opc::Jz : Opc::Jnz, t, 0);
        Opnd b = value(e.args[1]);
        emit(b.is_const ? Opc::Imm : Opc::Mov, t, b.v);
        (*code_)[j].b = int32_t(code_->size());
        return R(t);
    }

    Opnd arith(const Expr& e) {
        Opnd a = value(e.args[0]);
        Opnd b = value(e.args[1]);
        if (a.is_const && b.is_const) {
            int64_t x = a.v, y = b.v;
            switch (e.op) {
            case Op::Add: return K(int32_t(x + y));
            case Op::Sub: return K(int32_t(x - y));
            case Op::Mul: return K(int32_t(x * y));
            case Op::Div:
            case Op::Mod:
                if (y == 0) {
                    emit(Opc::Fail, 0, 0, 0, error(ErrKind::DivZero, e.loc));
                    return K(0);
                }
                return K(int32_t(e.op == Op::Div ? x / y : x % y));
            case Op::Eq: return K(x == y);
            case Op::Ne: return K(x != y);
            case Op::Lt: return K(x < y);
            case Op::Le: return K(x <= y);
            default: break;
            }
        }
        int32_t t = temp();
        // Immediate forms for the common `var op const`.
        if (b.is_const) {
            switch (e.op) {
            case Op::Add: emit(Opc::AddI, t, a.v, b.v); return R(t);
            case Op::Sub: emit(Opc::AddI, t, a.v, -b.v); return R(t);
            case Op::Mul: emit(Opc::MulI, t, a.v, b.v); return R(t);
            case Op::Eq: emit(Opc::EqI, t, a.v, b.v); return R(t);
            case Op::Ne: emit(Opc::NeI, t, a.v, b.v); return R(t);
            case Op::Lt: emit(Opc::LtI, t, a.v, b.v); return R(t);
            case Op::Le: emit(Opc::LeI, t, a.v, b.v); return R(t);
            default: break;
            }
        } else if (a.is_const) {
            switch (e.op) {
            case Op::Add: emit(Opc::AddI, t, b.v, a.v); return R(t);
            case Op::Mul: emit(Opc::MulI, t, b.v, a.v); return R(t);
            case Op::Eq: emit(Opc::EqI, t, b.v, a.v); return R(t);
            case Op::Ne: emit(Opc::NeI, t, b.v, a.v); return R(t);
            case Op::Lt: emit(Opc::GtI, t, b.v, a.v); return R(t);  // a < b  <=>  b > a
            case Op::Le: emit(Opc::GeI, t, b.v, a.v); return R(t);
            default: break;
            }
        }
        int32_t ra = reg_of(a), rb = reg_of(b);
        switch (e.op) {
        case Op::Add: emit(Opc::Add, t, ra, rb); break;
        case Op::Sub: emit(Opc::Sub, t, ra, rb); break;
        case Op::Mul: emit(Opc::Mul, t, ra, rb); break;
        case Op::Div: emit(Opc::Div, t, ra, rb, error(ErrKind::DivZero, e.loc)); break;
        case Op::Mod: emit(Opc::Mod, t, ra, rb, error(ErrKind::DivZero, e.loc)); break;
        case Op::Eq: emit(Opc::Eq, t, ra, rb); break;
        case Op::Ne: emit(Opc::Ne, t, ra, rb); break;
        case Op::Lt: emit(Opc::Lt, t, ra, rb); break;
        case Op::Le: emit(Opc::Le, t, ra, rb); break;
        default: break;
        }
        return R(t);
    }

    void block(const std::vector<Stmt>& stmts) {
        for (const Stmt& s : stmts) stmt(s);
    }

    void record_writes(const Expr& target, const Place& p) {
        if (!writes) return;
        if (!p.dynamic) {
            writes->insert(uint32_t(p.reg - S_));
            return;
        }
        // Every scalar the dynamic terms can reach, from the static base
        // (which already holds the folded terms' offsets).
        std::vector<uint64_t> offs{0};
        for (uint32_t k : p.dynamic_terms) {
            std::vector<uint64_t> next;
            for (uint64_t o : offs)
                for (uint32_t i = 0; i < target.index[k].count; ++i) next.push_back(o + uint64_t(i) * target.index[k].stride);
            offs.swap(next);
        }
        for (uint64_t o : offs) writes->insert(uint32_t(p.reg - S_ + o));
    }

    void stmt(const Stmt& s) {
        reset_temps();
        switch (s.kind) {
        case Stmt::Kind::Assign: {
            const Expr& target = m_.expr(s.target);
            Opnd v = value(s.value);
            Place p = place(target, S_);
            if (p.fails) return;
            const Scalar& sc = m_.scalars[target.value];
            const Type& tt = m_.types[sc.type];
            const Type& vt = m_.types[m_.expr(s.value).type];
            std::string name = p.dynamic ? sc.path : m_.scalars[p.reg - S_].path;
            if (v.is_const) {
                if (v.v < tt.lo || v.v > tt.hi) {
                    emit(Opc::Fail, 0, 0, 0, error(ErrKind::Range, s.loc, tt.lo, tt.hi, std::to_string(v.v) + "\x1f" + name));
                    return;
                }
            } else if (vt.lo < tt.lo || vt.hi > tt.hi) {
                emit(Opc::Range, v.v, tt.lo, tt.hi, error(ErrKind::Range, s.loc, tt.lo, tt.hi, "\x1f" + name));
            }
            record_writes(target, p);
            if (!p.dynamic) {
                emit(v.is_const ? Opc::Imm : Opc::Mov, p.reg, v.v);
            } else {
                emit(Opc::StoreX, p.reg, p.index, reg_of(v));
            }
            return;
        }
        case Stmt::Kind::If: {
            Opnd c = value(s.value);
            if (c.is_const) {
                block(c.v ? s.then_body : s.else_body);
                return;
            }
            size_t jz = code_->size();
            emit(Opc::Jz, c.v, 0);
            block(s.then_body);
            if (s.else_body.empty()) {
                (*code_)[jz].b = int32_t(code_->size());
                return;
            }
            size_t jmp = code_->size();
            emit(Opc::Jmp, 0);
            (*code_)[jz].b = int32_t(code_->size());
            block(s.else_body);
            (*code_)[jmp].a = int32_t(code_->size());
            return;
        }
        case Stmt::Kind::Emit: {
            std::vector<Opnd> vals;
            for (ExprId a : s.args) vals.push_back(value(a));
            int32_t first = int32_t(next_temp_);
            for (size_t k = 0; k < vals.size(); ++k) temp();
            for (size_t k = 0; k < vals.size(); ++k)
                emit(vals[k].is_const ? Opc::Imm : Opc::Mov, first + int32_t(k), vals[k].v);
            emit(Opc::Emit, int32_t(s.slot), first, int32_t(vals.size()));
            emit_words += 1 + uint32_t(vals.size());
            return;
        }
        case Stmt::Kind::Let: {
            Opnd v = value(s.value);
            if (v.is_const) {
                locals_[s.slot] = v;
            } else {
                locals_.erase(s.slot);
                emit(Opc::Mov, int32_t(local_base_ + s.slot), v.v);
            }
            return;
        }
        case Stmt::Kind::Assert: {
            Opnd c = value(s.value);
            int32_t err = error(ErrKind::Assert, s.loc, 0, 0, s.message);
            if (c.is_const) {
                if (!c.v) emit(Opc::Fail, 0, 0, 0, err);
                return;
            }
            emit(Opc::Assert, c.v, 0, 0, err);
            return;
        }
        }
    }

    const Machine& m_;
    uint32_t S_, label_base_, local_base_;
    std::vector<ErrorInfo>& errors_;
    std::vector<MatchPattern>& patterns_;
    std::vector<Instr>* code_ = nullptr;
    std::vector<Instr> code_holder_;
    std::map<uint32_t, Opnd> locals_;
    uint32_t next_temp_ = 0;
};

// Conjuncts of a guard, flattening nested Ands.
void conjuncts(const Machine& m, ExprId e, std::vector<ExprId>& out) {
    const Expr& x = m.expr(e);
    if (x.op == Op::And) {
        conjuncts(m, x.args[0], out);
        conjuncts(m, x.args[1], out);
    } else {
        out.push_back(e);
    }
}

// Advances `args` to the next combination in mixed-radix order (last
// parameter fastest); false after the last one.
bool next_args(const Machine& m, const std::vector<Param>& params, std::vector<int32_t>& args) {
    for (size_t k = params.size(); k-- > 0;) {
        if (args[k] < m.types[params[k].type].hi) {
            ++args[k];
            return true;
        }
        args[k] = m.types[params[k].type].lo;
    }
    return false;
}

}  // namespace

CompiledMachine::CompiledMachine(const Machine& m, Budget* budget) : m_(m), layout_(m) {
    Budget none;
    if (!budget) budget = &none;
    const uint32_t S = uint32_t(m.scalars.size());
    uint32_t max_params = 0, max_locals = 0;
    for (const Action& a : m.actions) {
        max_params = std::max<uint32_t>(max_params, uint32_t(a.params.size()));
        max_locals = std::max(max_locals, a.local_count);
    }
    for (const Property& p : m.properties) max_locals = std::max(max_locals, p.local_count);
    const uint32_t label_base = 2 * S;
    const uint32_t local_base = label_base + 1 + max_params;
    const uint32_t temp_base = local_base + max_locals;

    Compiler c(m, S, label_base, local_base, errors_, patterns_);
    c.temp_base = temp_base;
    c.max_temp = temp_base;

    // Instances in mixed-radix order, last parameter fastest.
    for (uint32_t ai = 0; ai < m.actions.size(); ++ai) {
        const Action& a = m.actions[ai];
        first_instance_.push_back(uint32_t(instances_.size()));
        uint64_t count = 1;
        for (const Param& p : a.params) count *= m.types[p.type].domain_size();
        budget->phase("enumerating and compiling the " + std::to_string(count) + " instances of action '" + a.name + "'",
                      "instances");
        std::vector<int32_t> args;
        for (const Param& p : a.params) args.push_back(m.types[p.type].lo);
        for (;;) {
            budget->tick();
            if (instances_.size() == instances_.capacity())
                budget->check_growth(instances_.capacity() * (sizeof(Instance) + sizeof(CompiledInstance)));
            Instance inst{ai, args, false};
            CompiledInstance ci;
            c.args = &inst.args;

            // Guard: `scalar == constant` conjuncts go to the packed prefilter.
            c.unprimed_area = 0;
            c.writes = nullptr;
            std::vector<ExprId> parts, residual;
            conjuncts(m, a.guard, parts);
            std::map<uint32_t, int32_t> required;
            for (ExprId part : parts) {
                const Expr& x = m.expr(part);
                std::optional<uint32_t> s;
                std::optional<int32_t> v;
                if (auto k = c.const_value(part)) {
                    if (!*k) inst.never_enabled = true;
                    continue;
                }
                if (x.op == Op::Eq) {
                    if ((s = c.static_scalar(x.args[0])) && (v = c.const_value(x.args[1]))) {
                    } else if ((s = c.static_scalar(x.args[1])) && (v = c.const_value(x.args[0]))) {
                    } else {
                        s.reset();
                    }
                } else if (x.op == Op::Var && !x.primed && x.type == kBoolType) {
                    s = uint32_t(x.value);
                    v = 1;
                } else if (x.op == Op::Not && m.expr(x.args[0]).op == Op::Var && !m.expr(x.args[0]).primed) {
                    s = uint32_t(m.expr(x.args[0]).value);
                    v = 0;
                }
                if (!s) {
                    residual.push_back(part);
                    continue;
                }
                const Type& st = m.scalar_type(*s);
                if (*v < st.lo || *v > st.hi) inst.never_enabled = true;
                auto [it, fresh] = required.emplace(*s, *v);
                if (!fresh && it->second != *v) inst.never_enabled = true;
            }
            std::map<uint32_t, std::pair<uint64_t, uint64_t>> words;
            for (auto [s, v] : required) {
                const FieldLayout& f = layout_.field(s);
                auto& w = words[f.word];
                w.first |= f.mask << f.shift;
                w.second |= (uint64_t(uint32_t(v - f.lo)) & f.mask) << f.shift;
            }
            for (auto& [w, mv] : words) ci.filter.push_back({w, mv});
            ci.required.assign(required.begin(), required.end());
            if (!residual.empty()) ci.guard = c.conjunction(residual);

            // Body, on the post-state.
            std::set<uint32_t> writes;
            c.unprimed_area = S;
            c.writes = &writes;
            c.emit_words = 0;
            ci.body = c.body(a.body);
            max_events_ = std::max(max_events_, c.emit_words);
            ci.writes.assign(writes.begin(), writes.end());
            ci.full_pack = ci.writes.size() * 2 > S;
            for (uint32_t w : ci.writes) {
                const FieldLayout& f = layout_.field(w);
                ci.write_fields.push_back({w, f.word, f.shift, f.mask, f.lo});
            }
            ci.has_fast = c.fast_path(a.body, layout_, ci.fast);
            c.writes = nullptr;

            instances_.push_back(std::move(inst));
            compiled_.push_back(std::move(ci));

            if (!next_args(m, a.params, args)) break;
        }
    }
    first_instance_.push_back(uint32_t(instances_.size()));

    budget->phase("compiling the properties");
    budget->check();
    std::vector<int32_t> no_args;
    c.args = &no_args;
    for (const Property& p : m.properties) {
        if (p.kind == Property::Kind::Invariant) {
            c.unprimed_area = 0;
            invariants_pre_.push_back(c.predicate(p.expr));
            c.unprimed_area = S;
            invariants_post_.push_back(c.predicate(p.expr));
            transitions_.emplace_back();
        } else {
            c.unprimed_area = 0;
            invariants_pre_.emplace_back();
            invariants_post_.emplace_back();
            transitions_.push_back(c.predicate(p.expr));
        }
    }
    c.unprimed_area = 0;
    for (ExprId e : m.init_constraints) init_constraints_.push_back(c.predicate(e));
    if (m.final_pred != kNoExpr) final_ = std::make_unique<Program>(c.predicate(m.final_pred));
    registers_ = c.max_temp + 1;
    build_dispatch();
}

void CompiledMachine::build_dispatch() {
    // Key each instance by its most selective required scalar (largest
    // domain), among those whose table stays small: the table has an entry
    // per value of the domain, and `w == 1` on a 30-bit scalar would take
    // 4 GB (found by the random specs' wide elements).
    constexpr uint32_t kMaxKeyDomain = 4096;
    std::map<uint32_t, std::vector<std::pair<int32_t, uint32_t>>> by_scalar;  // scalar -> (value, instance)
    for (uint32_t i = 0; i < instances_.size(); ++i) {
        if (instances_[i].never_enabled) continue;
        std::optional<std::pair<uint32_t, int32_t>> best;
        for (const auto& r : compiled_[i].required) {
            uint32_t size = m_.scalar_type(r.first).domain_size();
            if (size > kMaxKeyDomain) continue;
            if (!best || size > m_.scalar_type(best->first).domain_size()) best = r;
        }
        if (!best) {
            dispatch_.always.push_back(i);
            continue;
        }
        by_scalar[best->first].push_back({best->second, i});
    }
    for (auto& [s, list] : by_scalar) {
        const Type& t = m_.scalar_type(s);
        Dispatch::Key key{s, t.lo, uint32_t(dispatch_.offsets.size())};
        std::stable_sort(list.begin(), list.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        size_t k = 0;
        for (int64_t v = t.lo; v <= t.hi; ++v) {
            dispatch_.offsets.push_back(uint32_t(dispatch_.instances.size()));
            while (k < list.size() && list[k].first == v) dispatch_.instances.push_back(list[k++].second);
        }
        dispatch_.offsets.push_back(uint32_t(dispatch_.instances.size()));
        dispatch_.keys.push_back(key);
    }
}

CompiledMachine::~CompiledMachine() = default;

uint32_t CompiledMachine::instance_of(uint32_t action, std::span<const int32_t> args) const {
    const Action& a = m_.actions[action];
    uint32_t index = 0;
    for (size_t k = 0; k < a.params.size(); ++k) {
        const Type& t = m_.types[a.params[k].type];
        index = index * t.domain_size() + uint32_t(args[k] - t.lo);
    }
    return first_instance_[action] + index;
}

std::string CompiledMachine::describe(uint32_t i) const {
    return describe_call(m_, instances_[i].action, instances_[i].args);
}

std::string CompiledMachine::describe_event(const EventValue& e) const { return spec::describe_event(m_, e); }

std::string CompiledMachine::describe_state(const int32_t* values, const std::string& indent) const {
    std::string s;
    for (uint32_t i = 0; i < m_.scalars.size(); ++i)
        s += indent + m_.scalars[i].path + " = " + m_.format_value(m_.scalars[i].type, values[i]) + "\n";
    return s;
}

Evaluator::Evaluator(const CompiledMachine& cm)
    : cm_(cm), layout_scalars_(uint32_t(cm.machine().scalars.size())), regs_(cm.registers_, 0),
      events_(std::max<uint32_t>(cm.max_events_, 1), 0) {}

void Evaluator::load(const uint64_t* packed) {
    lazy_ = nullptr;
    cm_.layout_.unpack(packed, regs_.data());
}

void Evaluator::load_post(const uint64_t* packed) { cm_.layout_.unpack(packed, regs_.data() + layout_scalars_); }

void Evaluator::load_values(const int32_t* values) {
    lazy_ = nullptr;
    std::copy(values, values + layout_scalars_, regs_.begin());
}

bool Evaluator::enabled_packed(uint32_t i, const uint64_t* p) {
    const CompiledInstance& ci = cm_.compiled_[i];
    for (const auto& [w, mv] : ci.filter)
        if ((p[w] & mv.first) != mv.second) return false;
    if (cm_.instances_[i].never_enabled) return false;
    if (ci.guard.empty()) return true;
    ensure_loaded();
    return run(ci.guard) != 0;
}

bool Evaluator::enabled(uint32_t i) {
    ensure_loaded();
    const CompiledInstance& ci = cm_.compiled_[i];
    if (cm_.instances_[i].never_enabled) return false;
    for (const auto& [s, v] : ci.required)
        if (regs_[s] != v) return false;
    return ci.guard.empty() || run(ci.guard) != 0;
}

void Evaluator::fire(uint32_t i) {
    ensure_loaded();
    const CompiledInstance& ci = cm_.compiled_[i];
    const Instance& inst = cm_.instances_[i];
    // Plain loops: these are a handful of words, below a memmove call's cost.
    int32_t* r = regs_.data();
    const uint32_t n = layout_scalars_;
    for (uint32_t k = 0; k < n; ++k) r[n + k] = r[k];
    int32_t* label = r + 2 * n;
    label[0] = int32_t(inst.action);
    for (size_t k = 0; k < inst.args.size(); ++k) label[1 + k] = inst.args[k];
    events_len_ = 0;
    last_instance_ = i;
    run(ci.body);
}

void Evaluator::pack_post(const uint64_t* pre_packed, uint64_t* out) const {
    const CompiledInstance& ci = cm_.compiled_[last_instance_];
    const StateLayout& L = cm_.layout_;
    if (ci.full_pack) {
        L.pack(post(), out);
        return;
    }
    for (uint32_t w = 0, n = L.words(); w < n; ++w) out[w] = pre_packed[w];
    const int32_t* p = post();
    for (const auto& f : ci.write_fields)
        out[f.word] = (out[f.word] & ~(f.mask << f.shift)) | ((uint64_t(uint32_t(p[f.scalar] - f.lo)) & f.mask) << f.shift);
}

[[noreturn]] static void raise(const std::vector<ErrorInfo>& table, int32_t err, int32_t value);

bool Evaluator::fire_packed(uint32_t i, const uint64_t* pre, uint64_t* out) {
    const CompiledInstance& ci = cm_.compiled_[i];
    if (!ci.has_fast) return false;
    const uint32_t words = cm_.layout_.words();
    if (words == 1) out[0] = pre[0];
    else for (uint32_t w = 0; w < words; ++w) out[w] = pre[w];
    for (const auto& op : ci.fast) {
        int32_t v = op.delta;
        if (op.copy) {
            // The source was not written before in this body: read it from the pre-state.
            v += int32_t((pre[op.src_word] >> op.src_shift) & op.src_mask) + op.src_lo;
            if (v < op.lo || v > op.hi) raise(cm_.errors_, op.error, v);
        }
        out[op.word] = (out[op.word] & ~(op.mask << op.shift)) | ((uint64_t(uint32_t(v - op.lo)) & op.mask) << op.shift);
    }
    last_instance_ = i;
    events_len_ = 0;
    return true;
}

std::vector<EventValue> Evaluator::events() const {
    std::vector<EventValue> out;
    const Machine& m = cm_.machine();
    for (uint32_t k = 0; k < events_len_;) {
        EventValue e{uint32_t(events_[k]), {}};
        size_t n = m.events[e.event].params.size();
        e.args.assign(events_.begin() + k + 1, events_.begin() + k + 1 + n);
        k += 1 + uint32_t(n);
        out.push_back(std::move(e));
    }
    return out;
}

bool Evaluator::invariant_pre(uint32_t prop) {
    ensure_loaded();
    return run(cm_.invariants_pre_[prop]) != 0;
}
bool Evaluator::invariant_post(uint32_t prop) { return run(cm_.invariants_post_[prop]) != 0; }
bool Evaluator::transition(uint32_t prop) {
    ensure_loaded();
    return run(cm_.transitions_[prop]) != 0;
}
bool Evaluator::final_pre() {
    if (!cm_.final_) return false;
    ensure_loaded();
    return run(*cm_.final_) != 0;
}

void Evaluator::for_each_initial(const std::function<void(const int32_t*)>& f) {
    lazy_ = nullptr;
    const Machine& m = cm_.machine();
    std::vector<uint32_t> free;
    for (uint32_t s = 0; s < m.scalars.size(); ++s) {
        if (m.scalars[s].init) regs_[s] = *m.scalars[s].init;
        else {
            free.push_back(s);
            regs_[s] = m.scalar_type(s).lo;
        }
    }
    for (;;) {
        bool ok = true;
        for (const Program& p : cm_.init_constraints_)
            if (!run(p)) {
                ok = false;
                break;
            }
        if (ok) {
            std::vector<int32_t> values(regs_.begin(), regs_.begin() + layout_scalars_);
            f(values.data());
            // The callback may have used this evaluator; restore the enumeration point.
            std::copy(values.begin(), values.end(), regs_.begin());
        }
        size_t k = free.size();
        while (k > 0) {
            uint32_t s = free[--k];
            if (regs_[s] < m.scalar_type(s).hi) {
                ++regs_[s];
                break;
            }
            regs_[s] = m.scalar_type(s).lo;
            if (k == 0) return;
        }
        if (free.empty()) return;
    }
}

[[noreturn]] static void raise(const std::vector<ErrorInfo>& table, int32_t err, int32_t value) {
    const ErrorInfo& e = table[err];
    switch (e.kind) {
    case ErrKind::Index: {
        std::string v = e.text.empty() ? std::to_string(value) : e.text;
        throw EvalError(e.loc, "array index " + v + " out of bounds " + std::to_string(e.lo) + ".." + std::to_string(e.hi));
    }
    case ErrKind::Range: {
        auto sep = e.text.find('\x1f');
        std::string v = sep == 0 ? std::to_string(value) : e.text.substr(0, sep);
        throw EvalError(e.loc, "value " + v + " is out of range " + std::to_string(e.lo) + ".." +
                                   std::to_string(e.hi) + " for '" + e.text.substr(sep + 1) + "'");
    }
    case ErrKind::DivZero:
        throw EvalError(e.loc, "division by zero");
    case ErrKind::Assert:
        throw EvalError(e.loc, e.text);
    }
    throw EvalError(e.loc, "evaluation error");
}

int32_t Evaluator::run(const Program& p) {
    int32_t* r = regs_.data();
    const Instr* code = p.code.data();
    size_t pc = 0;
    for (;;) {
        const Instr& in = code[pc++];
        switch (in.op) {
        case Opc::Imm: r[in.a] = in.b; break;
        case Opc::Mov: r[in.a] = r[in.b]; break;
        case Opc::Not: r[in.a] = !r[in.b]; break;
        case Opc::Neg: r[in.a] = -r[in.b]; break;
        case Opc::Add: r[in.a] = r[in.b] + r[in.c]; break;
        case Opc::Sub: r[in.a] = r[in.b] - r[in.c]; break;
        case Opc::Mul: r[in.a] = r[in.b] * r[in.c]; break;
        case Opc::Div:
            if (r[in.c] == 0) raise(cm_.errors_, in.d, 0);
            r[in.a] = r[in.b] / r[in.c];
            break;
        case Opc::Mod:
            if (r[in.c] == 0) raise(cm_.errors_, in.d, 0);
            r[in.a] = r[in.b] % r[in.c];
            break;
        case Opc::Eq: r[in.a] = r[in.b] == r[in.c]; break;
        case Opc::Ne: r[in.a] = r[in.b] != r[in.c]; break;
        case Opc::Lt: r[in.a] = r[in.b] < r[in.c]; break;
        case Opc::Le: r[in.a] = r[in.b] <= r[in.c]; break;
        case Opc::AddI: r[in.a] = r[in.b] + in.c; break;
        case Opc::MulI: r[in.a] = r[in.b] * in.c; break;
        case Opc::EqI: r[in.a] = r[in.b] == in.c; break;
        case Opc::NeI: r[in.a] = r[in.b] != in.c; break;
        case Opc::LtI: r[in.a] = r[in.b] < in.c; break;
        case Opc::LeI: r[in.a] = r[in.b] <= in.c; break;
        case Opc::GtI: r[in.a] = r[in.b] > in.c; break;
        case Opc::GeI: r[in.a] = r[in.b] >= in.c; break;
        case Opc::Jmp: pc = size_t(in.a); break;
        case Opc::Jz:
            if (!r[in.a]) pc = size_t(in.b);
            break;
        case Opc::Jnz:
            if (r[in.a]) pc = size_t(in.b);
            break;
        case Opc::IdxCheck: {
            int32_t v = r[in.b];
            int32_t off = v - in.c;
            if (off < 0 || off >= in.e) raise(cm_.errors_, in.d, v);
            r[in.a] = off;
            break;
        }
        case Opc::LoadX: r[in.a] = r[in.b + r[in.c]]; break;
        case Opc::StoreX: r[in.a + r[in.b]] = r[in.c]; break;
        case Opc::Range: {
            int32_t v = r[in.a];
            if (v < in.b || v > in.c) raise(cm_.errors_, in.d, v);
            break;
        }
        case Opc::Emit: {
            int32_t* e = events_.data() + events_len_;
            e[0] = in.a;
            for (int32_t k = 0; k < in.c; ++k) e[1 + k] = r[in.b + k];
            events_len_ += 1 + uint32_t(in.c);
            break;
        }
        case Opc::Match: {
            const MatchPattern& pat = cm_.patterns_[in.b];
            const Machine& m = cm_.machine();
            bool hit = false;
            for (uint32_t k = 0; k < events_len_ && !hit;) {
                uint32_t ev = uint32_t(events_[k]);
                size_t n = m.events[ev].params.size();
                if (ev == pat.event) {
                    hit = true;
                    for (size_t j = 0; j < n; ++j) {
                        if (!pat.args[j]) continue;
                        int32_t want = pat.args[j]->is_const ? pat.args[j]->v : r[pat.args[j]->v];
                        if (events_[k + 1 + j] != want) {
                            hit = false;
                            break;
                        }
                    }
                }
                k += 1 + uint32_t(n);
            }
            r[in.a] = hit;
            break;
        }
        case Opc::Assert:
            if (!r[in.a]) raise(cm_.errors_, in.d, 0);
            break;
        case Opc::Fail: raise(cm_.errors_, in.d, 0);
        case Opc::Ret: return r[in.a];
        case Opc::RetI: return in.a;
        }
    }
}

}  // namespace stateproof::spec
