#include "support/random_spec.h"

#include <random>
#include <sstream>
#include <vector>

namespace stateproof::testing {

namespace {

struct IntVar {
    std::string name;
    int hi;  // the range is 0..hi
};

class Generator {
  public:
    Generator(uint64_t seed, const RandomSpecOptions& o) : rng_(seed * 0x9E3779B97F4A7C15ull + 1), opt_(o) {}

    std::string spec() {
        std::ostringstream s;
        s << "machine Random\n";
        s << "enum Mode { A, B, C }\n";
        s << "type Idx = 0..1\n";
        int nbools = 1 + pick(2), nints = 1 + pick(2);
        for (int i = 0; i < nbools; ++i) bools_.push_back("b" + std::to_string(i));
        for (int i = 0; i < nints; ++i) ints_.push_back({"x" + std::to_string(i), 1 + pick(3)});
        has_mode_ = pick(2) == 0;
        has_arr_ = pick(2) == 0;
        has_recs_ = pick(3) == 0;
        // Some variables start with any value of their type, so there are
        // several initial states (narrowed by an `init` constraint).
        bool any_free = false;
        auto initial = [&](const std::string& value) {
            if (pick(4)) return " = " + value;
            any_free = true;
            return std::string();
        };
        for (const auto& b : bools_) s << "var " << b << " : bool" << initial(pick(2) ? "true" : "false") << "\n";
        for (const auto& x : ints_) s << "var " << x.name << " : 0.." << x.hi << initial(std::to_string(pick(x.hi + 1))) << "\n";
        if (has_mode_) s << "var mode : Mode" << initial("Mode.A") << "\n";
        if (has_arr_) s << "var arr : array[Idx] of 0..2 = " << pick(3) << "\n";
        if (has_recs_) s << "var recs : array[Idx] of record { n: 0..2, f: bool } = {n: " << pick(3) << ", f: false}\n";
        if (any_free && pick(2) == 0) s << "init " << boolean(1, false) << "\n";
        s << "event E(v: 0..2)\n";
        s << "event F\n";
        // Functions and procedures, inlined where they are called.
        nfuns_ = pick(3);
        for (int f = 0; f < nfuns_; ++f)
            s << "fun f" << f << "(y: 0..3) : 0..2 = " << fun_body() << "\n";
        nprocs_ = pick(3);
        for (int p = 0; p < nprocs_; ++p) {
            Scope scope;
            scope.idx.push_back("i");
            scope.ints.push_back({"v", 3});
            scopes_.push_back(scope);
            s << "proc q" << p << "(i: Idx, v: 0..3) {\n";
            block(s, "    ", 1, 1 + pick(3));
            s << "}\n";
            scopes_.pop_back();
            procs_ready_ = p + 1;  // a proc may call the ones declared before it
        }
        int nactions = 2 + pick(3);
        for (int a = 0; a < nactions; ++a) {
            bool param = pick(2) == 0;
            Scope scope;
            if (param) scope.idx.push_back("p");
            scopes_.push_back(scope);
            s << "action act" << a << (param ? "(p: Idx)" : "");
            if (pick(4)) s << " when " << boolean(2, false);
            s << " {\n";
            block(s, "    ", 3, 1 + pick(4));
            s << "}\n";
            scopes_.pop_back();
        }
        action_count_ = nactions;
        int ninv = 1 + pick(2);
        for (int i = 0; i < ninv; ++i) s << "invariant inv" << i << ": " << boolean(2, false) << "\n";
        int ntr = pick(3);
        for (int i = 0; i < ntr; ++i) s << "transition step" << i << ": " << transition_property() << "\n";
        if (pick(3) == 0) s << "final " << boolean(1, false) << "\n";
        return s.str();
    }

  private:
    // Names a statement or expression may use besides the state variables:
    // Idx-typed ones (parameters, for variables) and integers (lets, proc
    // parameters), innermost last.
    struct Scope {
        std::vector<std::string> idx;
        std::vector<IntVar> ints;
    };

    int pick(int n) { return int(rng_() % uint64_t(n)); }

    std::vector<std::string> visible_idx() const {
        std::vector<std::string> v;
        for (const auto& sc : scopes_) v.insert(v.end(), sc.idx.begin(), sc.idx.end());
        return v;
    }
    std::vector<IntVar> visible_ints() const {
        std::vector<IntVar> v;
        for (const auto& sc : scopes_) v.insert(v.end(), sc.ints.begin(), sc.ints.end());
        return v;
    }

    std::string fun_body() {
        switch (pick(3)) {
        case 0: return "(y + " + std::to_string(pick(3)) + ") % 3";
        case 1: return "if y > " + std::to_string(pick(3)) + " then y % 3 else " + std::to_string(pick(3));
        default: return "(y * " + std::to_string(1 + pick(2)) + ") % 3";
        }
    }

    std::string int_atom(bool next) {
        std::vector<std::string> choices;
        for (const auto& x : ints_) choices.push_back(wrap_next(x.name, next));
        choices.push_back(std::to_string(pick(3)));
        if (has_arr_) choices.push_back(wrap_next("arr[" + index(next) + "]", next));
        if (has_recs_) choices.push_back(wrap_next("recs[" + index(next) + "].n", next));
        if (!next)
            for (const auto& l : visible_ints()) choices.push_back(l.name);
        if (nfuns_ && !next) choices.push_back("f" + std::to_string(pick(nfuns_)) + "(" + int_atom_plain() + ")");
        return choices[pick(int(choices.size()))];
    }

    // A state variable or constant (no call), for function arguments.
    std::string int_atom_plain() {
        std::vector<std::string> choices;
        for (const auto& x : ints_) choices.push_back(x.name);
        choices.push_back(std::to_string(pick(3)));
        return choices[pick(int(choices.size()))];
    }

    // An index into an Idx-indexed array: a constant, a name in scope, or an
    // index computed from the state (reduced into range unless run-time
    // errors are wanted).
    std::string index(bool next = false) {
        auto idx = visible_idx();
        int k = pick(next ? 2 : 4);
        if (k == 1 && !idx.empty()) return idx[pick(int(idx.size()))];
        if (k >= 2) {
            const IntVar& x = ints_[pick(int(ints_.size()))];
            if (opt_.runtime_errors && pick(2)) return x.name;  // may be out of bounds
            return "(" + x.name + " + " + std::to_string(pick(2)) + ") % 2";
        }
        return std::to_string(pick(2));
    }

    static std::string wrap_next(const std::string& e, bool next) { return next ? "next(" + e + ")" : e; }

    // An integer expression with values in 0..hi.
    std::string int_expr(int hi, int depth) {
        if (opt_.runtime_errors && pick(6) == 0) {
            // Unreduced: may be out of range for the target, or divide by zero.
            if (pick(2)) return int_atom(false) + " + " + int_atom(false);
            return "(" + int_atom(false) + " / " + int_atom(false) + ") % " + std::to_string(hi + 1);
        }
        switch (depth <= 0 ? 0 : pick(4)) {
            case 0:
            case 1: return "(" + int_atom(false) + " + " + std::to_string(pick(3)) + ") % " + std::to_string(hi + 1);
            case 2: return "(" + int_atom(false) + " + " + int_atom(false) + ") % " + std::to_string(hi + 1);
            default:
                return "(if " + boolean(depth - 1, false) + " then " + int_expr(hi, depth - 1) + " else " +
                       int_expr(hi, depth - 1) + ")";
        }
    }

    std::string comparison(bool next) {
        static const char* ops[] = {"==", "!=", "<", "<=", ">", ">="};
        return int_atom(next && pick(2)) + " " + ops[pick(6)] + " " + int_atom(next && pick(2));
    }

    std::string boolean(int depth, bool next) {
        int kinds = depth <= 0 ? 4 : 8;
        switch (pick(kinds)) {
            case 0:
                if (has_recs_ && pick(3) == 0) return wrap_next("recs[" + index(next) + "].f", next && pick(2));
                return wrap_next(bools_[pick(int(bools_.size()))], next && pick(2));
            case 1: return comparison(next);
            case 2:
                if (has_mode_) {
                    static const char* members[] = {"Mode.A", "Mode.B", "Mode.C"};
                    return wrap_next("mode", next && pick(2)) + (pick(2) ? " == " : " != ") + members[pick(3)];
                }
                return comparison(next);
            case 3:
                if (has_arr_) {
                    std::string i = "i" + std::to_string(quantified_++);
                    return std::string(pick(2) ? "forall " : "exists ") + i + " in Idx: arr[" + i + "] <= " + int_atom(false);
                }
                return "not " + wrap_next(bools_[pick(int(bools_.size()))], next && pick(2));
            case 4: return "(" + boolean(depth - 1, next) + " and " + boolean(depth - 1, next) + ")";
            case 5: return "(" + boolean(depth - 1, next) + " or " + boolean(depth - 1, next) + ")";
            case 6: return "not (" + boolean(depth - 1, next) + ")";
            default: return "(" + boolean(depth - 1, next) + " => " + boolean(depth - 1, next) + ")";
        }
    }

    // `n` statements in a block of their own scope (lets end with it).
    void block(std::ostringstream& s, const std::string& indent, int depth, int n) {
        scopes_.push_back({});
        for (int i = 0; i < n; ++i) statement(s, indent, depth);
        scopes_.pop_back();
    }

    void assign_int(std::ostringstream& s, const std::string& indent) {
        const IntVar& x = ints_[pick(int(ints_.size()))];
        s << indent << x.name << " := " << int_expr(x.hi, 1) << "\n";
    }

    void statement(std::ostringstream& s, const std::string& indent, int depth) {
        int kind = pick(depth > 0 ? 12 : 9);
        switch (kind) {
        case 0:
        case 1: assign_int(s, indent); return;
        case 2: s << indent << bools_[pick(int(bools_.size()))] << " := " << boolean(1, false) << "\n"; return;
        case 3:
            if (has_mode_) {
                static const char* members[] = {"Mode.A", "Mode.B", "Mode.C"};
                s << indent << "mode := " << members[pick(3)] << "\n";
            } else if (has_arr_) {
                s << indent << "arr[" << index() << "] := " << int_expr(2, 1) << "\n";
            } else {
                s << indent << "emit F\n";
            }
            return;
        case 4:
            if (pick(2)) s << indent << "emit E(" << int_expr(2, 0) << ")\n";
            else if (has_arr_) s << indent << "arr[" << index() << "] := " << int_expr(2, 1) << "\n";
            else s << indent << "emit F\n";
            return;
        case 5:
            if (has_recs_) {
                std::string i = index();
                if (pick(2)) s << indent << "recs[" << i << "].n := " << int_expr(2, 1) << "\n";
                else s << indent << "recs[" << i << "].f := " << boolean(1, false) << "\n";
            } else {
                assign_int(s, indent);
            }
            return;
        case 6: {
            // A local, visible to the rest of the block.
            std::string name = "l" + std::to_string(locals_++);
            s << indent << "let " << name << " = " << int_expr(2, 1) << "\n";
            scopes_.back().ints.push_back({name, 2});
            return;
        }
        case 7:
            if (procs_ready_ > 0) {
                s << indent << "q" << pick(procs_ready_) << "(" << index() << ", " << int_atom_plain() << ")\n";
            } else if (opt_.runtime_errors && pick(2)) {
                s << indent << "assert " << boolean(1, false) << ", \"random\"\n";
            } else {
                assign_int(s, indent);
            }
            return;
        case 8:
            if (opt_.runtime_errors && pick(3) == 0) s << indent << "assert " << boolean(1, false) << ", \"random\"\n";
            else assign_int(s, indent);
            return;
        case 9:
        case 10: {
            // A write and then a branch that reads it: the statement after an
            // assignment must see the new value, in every enclosing branch.
            const IntVar& x = ints_[pick(int(ints_.size()))];
            if (pick(2)) s << indent << x.name << " := " << int_expr(x.hi, 1) << "\n";
            s << indent << "if " << (pick(2) ? x.name + " == " + std::to_string(pick(x.hi + 1)) : boolean(1, false)) << " {\n";
            block(s, indent + "    ", depth - 1, 1 + pick(3));
            s << indent << "}";
            if (pick(3) == 0) {
                s << " elif " << boolean(1, false) << " {\n";
                block(s, indent + "    ", depth - 1, 1 + pick(2));
                s << indent << "}";
            }
            if (pick(2)) {
                s << " else {\n";
                block(s, indent + "    ", depth - 1, 1 + pick(3));
                s << indent << "}";
            }
            s << "\n";
            return;
        }
        default: {
            if (!has_arr_ && !has_recs_) {
                assign_int(s, indent);
                return;
            }
            std::string j = "j" + std::to_string(loops_++);
            s << indent << "for " << j << " in Idx {\n";
            scopes_.push_back({});
            scopes_.back().idx.push_back(j);
            block(s, indent + "    ", depth - 1, 1 + pick(2));
            scopes_.pop_back();
            s << indent << "}\n";
            return;
        }
        }
    }

    std::string transition_property() {
        switch (pick(4)) {
            case 0: return "emits E(" + std::to_string(pick(3)) + ") => " + boolean(1, true);
            case 1: return "fires act" + std::to_string(pick(action_count_)) + " => " + boolean(1, true);
            case 2: return "emits F => " + boolean(1, true);
            default: return boolean(2, true);
        }
    }

    std::mt19937_64 rng_;
    RandomSpecOptions opt_;
    std::vector<std::string> bools_;
    std::vector<IntVar> ints_;
    bool has_mode_ = false;
    bool has_arr_ = false;
    bool has_recs_ = false;
    int nfuns_ = 0;
    int nprocs_ = 0;
    int procs_ready_ = 0;
    std::vector<Scope> scopes_;
    int action_count_ = 2;
    int quantified_ = 0;  // quantified, loop and local names must not shadow each other
    int loops_ = 0;
    int locals_ = 0;
};

}  // namespace

std::string random_spec(uint64_t seed) { return Generator(seed, {}).spec(); }

std::string random_spec(uint64_t seed, const RandomSpecOptions& options) { return Generator(seed, options).spec(); }

}  // namespace stateproof::testing
