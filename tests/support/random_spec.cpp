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

// The index types of the issue 23 arrays: Idx = 0..1, Tri = 0..2, bool, Mode.
enum class Dom { Idx, Tri, Bool, Mode };

const char* dom_name(Dom d) {
    switch (d) {
    case Dom::Idx: return "Idx";
    case Dom::Tri: return "Tri";
    case Dom::Bool: return "bool";
    default: return "Mode";
    }
}

int dom_size(Dom d) { return d == Dom::Tri || d == Dom::Mode ? 3 : 2; }

// An element of a nested array: the text is parts[0] i0 parts[1] i1 ...
// parts[n], with an index of dims[k] for each ik.
struct Place {
    std::vector<std::string> parts;
    std::vector<Dom> dims;
    bool is_bool = false;
    int hi = 1;         // int elements: 0..hi
    bool wide = false;  // hi = 2^bits - 1: written only near 0 and hi, so few states
};

class Generator {
  public:
    Generator(uint64_t seed, const RandomSpecOptions& o) : rng_(seed * 0x9E3779B97F4A7C15ull + 1), opt_(o) {}

    std::string spec() {
        std::ostringstream s;
        s << "machine Random\n";
        s << "enum Mode { A, B, C }\n";
        s << "type Idx = 0..1\n";
        s << "type Tri = 0..2\n";
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
        if (opt_.nested) nested_vars(s);
        if (any_free && pick(2) == 0) s << "init " << boolean(1, false) << "\n";
        s << nested_init_;
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
            // A second parameter indexes the nested arrays directly (and
            // folds per instance: `t`, `2 - t`, `k`, `not c`).
            std::string second;
            if (opt_.nested && !places_.empty() && pick(2) == 0) {
                int kinds = opt_.bool_enum_indices ? 3 : 1;
                switch (pick(kinds)) {
                case 0: second = "t: Tri"; scope.tris.push_back("t"); break;
                case 1: second = "c: bool"; scope.bools.push_back("c"); break;
                default: second = "k: Mode"; scope.modes.push_back("k"); break;
                }
            }
            scopes_.push_back(scope);
            std::string params = param ? "p: Idx" : "";
            if (!second.empty()) params += (params.empty() ? "" : ", ") + second;
            s << "action act" << a << (params.empty() ? "" : "(" + params + ")");
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
        std::vector<std::string> tris, bools, modes;  // action parameters of these types
    };

    int pick(int n) { return int(rng_() % uint64_t(n)); }

    std::vector<std::string> visible_idx() const {
        std::vector<std::string> v;
        for (const auto& sc : scopes_) v.insert(v.end(), sc.idx.begin(), sc.idx.end());
        return v;
    }
    std::vector<std::string> visible(std::vector<std::string> Scope::*list) const {
        std::vector<std::string> v;
        for (const auto& sc : scopes_) v.insert(v.end(), (sc.*list).begin(), (sc.*list).end());
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
        for (const auto& pl : places_)
            if (!pl.is_bool) choices.push_back(wrap_next(place(pl, next), next));
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
                if (!places_.empty() && pick(2) == 0) {
                    const Place& pl = places_[pick(int(places_.size()))];
                    bool n = next && pick(2);
                    if (pl.is_bool) return wrap_next(place(pl, n), n);
                    if (pl.wide) return wrap_next(place(pl, n), n) + (pick(2) ? " >= " : " < ") + std::to_string(pl.hi - pick(3));
                    return wrap_next(place(pl, n), n) + (pick(2) ? " == " : " != ") + std::to_string(pick(pl.hi + 1));
                }
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
        if (!places_.empty() && pick(3) == 0) {
            assign_place(s, indent);
            return;
        }
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

    // The issue 23 variables: nested arrays (two or three deep, any index
    // types), an array of records holding an array, and an array of wide
    // elements. Declared in a random order so that they land at different
    // places relative to the packed state's word boundaries.
    void nested_vars(std::ostringstream& s) {
        auto dom = [&] { return Dom(pick(opt_.bool_enum_indices ? 4 : 2)); };
        std::vector<std::string> decls;
        // A budget of about eight bits of nested state in all, so that few
        // states are reachable (the one-step test runs Z3 on each).
        int budget = 8;
        int narrays = 1 + pick(2);
        for (int a = 0; a < narrays && budget >= 4; ++a) {
            Place pl;
            std::string name = "n" + std::to_string(a);
            int depth = 2 + pick(2), elements = 1;
            std::string type;
            pl.parts.push_back(name + "[");
            for (int d = 0; d < depth; ++d) {
                Dom dm = dom();
                // Few elements, so that few states are reachable.
                if (elements * dom_size(dm) > budget) dm = Dom::Idx;
                if (elements * dom_size(dm) > budget) break;
                elements *= dom_size(dm);
                pl.dims.push_back(dm);
                type += std::string("array[") + dom_name(dm) + "] of ";
                pl.parts.push_back("][");
            }
            pl.parts.back() = "]";
            pl.is_bool = pick(2) == 0;
            pl.hi = 2 * elements <= budget ? 1 + pick(2) : 1;
            budget -= elements * (pl.hi == 2 ? 2 : 1);
            type += pl.is_bool ? "bool" : "0.." + std::to_string(pl.hi);
            decls.push_back("var " + name + " : " + type + " = " +
                            (pl.is_bool ? (pick(2) ? "true" : "false") : std::to_string(pick(pl.hi + 1))));
            places_.push_back(pl);
        }
        if (pick(budget >= 4 ? 2 : 4) == 0) {
            // Record fields of array type take no initial value: an init
            // constraint fixes them (one initial state).
            auto two = [&] { return pick(2) && opt_.bool_enum_indices ? Dom::Bool : Dom::Idx; };
            Dom outer = two(), inner = two();
            decls.push_back(std::string("var cells : array[") + dom_name(outer) + "] of record { k: 0..2, row: array[" +
                            dom_name(inner) + "] of bool }");
            std::string i = "q" + std::to_string(quantified_++), j = "q" + std::to_string(quantified_++);
            nested_init_ += std::string("init forall ") + i + " in " + dom_name(outer) + ": cells[" + i + "].k == " +
                            std::to_string(pick(3)) + " and (forall " + j + " in " + dom_name(inner) + ": not cells[" + i +
                            "].row[" + j + "])\n";
            places_.push_back({{"cells[", "].k"}, {outer}, false, 2, false});
            places_.push_back({{"cells[", "].row[", "]"}, {outer, inner}, true, 1, false});
        }
        if (pick(2) == 0) {
            // 21, 22 or 30 bits: two or three elements fill a word and the
            // next one starts a new word (state.cpp never splits a field).
            static const int widths[] = {21, 22, 30};
            Place pl;
            pl.wide = true;
            pl.hi = int((int64_t(1) << widths[pick(3)]) - 1);
            pl.parts.push_back("wide[");
            std::string type;
            // Three or four elements: each takes about six values.
            int depth = 1 + pick(2);
            for (int d = 0; d < depth; ++d) {
                Dom dm = depth == 1 ? Dom::Tri : pick(2) && opt_.bool_enum_indices ? Dom::Bool : Dom::Idx;
                pl.dims.push_back(dm);
                type += std::string("array[") + dom_name(dm) + "] of ";
                pl.parts.push_back("][");
            }
            pl.parts.back() = "]";
            decls.push_back("var wide : " + type + "0.." + std::to_string(pl.hi) + " = " +
                            (pick(2) ? std::to_string(pl.hi) : "0"));
            places_.push_back(pl);
        }
        // A few bools after them, to fill the rest of a word.
        if (pick(2) == 0) decls.push_back("var tail : array[Tri] of bool = false");
        for (size_t k = decls.size(); k > 1; --k) std::swap(decls[k - 1], decls[pick(int(k))]);
        for (const auto& d : decls) s << d << "\n";
    }

    // An index of type `d`, in range by construction unless run-time errors
    // are wanted: constants, parameters and variables, and expressions of
    // them that fold per action instance (`p + 1`, `1 - p`) or not
    // (`(x + p) % 3`). Inside next() only the state and constants.
    std::string dim_index(Dom d, bool next) {
        std::vector<std::string> c;
        const std::vector<std::string> none;
        auto idx = next ? none : visible_idx();
        auto tris = next ? none : visible(&Scope::tris);
        auto bools = next ? none : visible(&Scope::bools);
        auto modes = next ? none : visible(&Scope::modes);
        const IntVar& x = ints_[pick(int(ints_.size()))];
        const std::string& b = bools_[pick(int(bools_.size()))];
        switch (d) {
        case Dom::Idx:
            if (opt_.runtime_errors && pick(4) == 0) return x.name;  // may be out of bounds
            c.push_back(std::to_string(pick(2)));
            c.push_back("(" + x.name + " + " + std::to_string(pick(2)) + ") % 2");
            for (const auto& p : idx) {
                c.push_back(p);
                c.push_back("1 - " + p);
                c.push_back("(" + x.name + " + " + p + ") % 2");
            }
            for (const auto& t : tris) c.push_back(t + " % 2");
            break;
        case Dom::Tri:
            if (opt_.runtime_errors && pick(4) == 0) return x.name + " + 1";
            c.push_back(std::to_string(pick(3)));
            c.push_back("(" + x.name + " + " + std::to_string(pick(3)) + ") % 3");
            for (const auto& p : idx) {
                c.push_back(p + " + 1");
                c.push_back("2 - " + p);
                c.push_back("(" + x.name + " + " + p + ") % 3");
            }
            for (const auto& t : tris) {
                c.push_back(t);
                c.push_back("2 - " + t);
                c.push_back("(" + t + " + " + x.name + ") % 3");
            }
            break;
        case Dom::Bool:
            c.push_back(pick(2) ? "true" : "false");
            c.push_back(b);
            c.push_back("not " + b);
            c.push_back(x.name + " == " + std::to_string(pick(x.hi + 1)));
            for (const auto& p : idx) c.push_back(p + " == 0");
            for (const auto& v : bools) {
                c.push_back(v);
                c.push_back("not " + v);
            }
            break;
        case Dom::Mode: {
            static const char* members[] = {"Mode.A", "Mode.B", "Mode.C"};
            c.push_back(members[pick(3)]);
            if (has_mode_) c.push_back("mode");
            c.push_back(std::string("(if ") + b + " then " + members[pick(3)] + " else " + members[pick(3)] + ")");
            for (const auto& k : modes) c.push_back(k);
            break;
        }
        }
        return c[pick(int(c.size()))];
    }

    std::string place(const Place& pl, bool next) {
        std::string out = pl.parts[0];
        for (size_t k = 0; k < pl.dims.size(); ++k) out += dim_index(pl.dims[k], next) + pl.parts[k + 1];
        return out;
    }

    // A value for a wide element: 0 or near its top (so the high bits are
    // exercised), or another wide element; never a sum that climbs, so three
    // values at most are reachable.
    std::string wide_value(const Place& pl) {
        const IntVar& x = ints_[pick(int(ints_.size()))];
        if (opt_.runtime_errors && pick(6) == 0) return std::to_string(pl.hi) + " + 1 - " + x.name;  // out of range when x is 0
        switch (pick(4)) {
        case 0: return pick(2) ? "0" : std::to_string(pl.hi);
        case 1: return std::to_string(pl.hi) + " - " + std::to_string(pick(2));
        case 2: return place(pl, false);
        default: return "(if " + boolean(1, false) + " then " + std::to_string(pl.hi) + " else 0)";
        }
    }

    void assign_place(std::ostringstream& s, const std::string& indent) {
        const Place& pl = places_[pick(int(places_.size()))];
        s << indent << place(pl, false) << " := ";
        if (pl.is_bool) s << boolean(1, false);
        else if (pl.wide) s << wide_value(pl);
        else s << int_expr(pl.hi, 1);
        s << "\n";
    }

    std::mt19937_64 rng_;
    RandomSpecOptions opt_;
    std::vector<std::string> bools_;
    std::vector<IntVar> ints_;
    bool has_mode_ = false;
    bool has_arr_ = false;
    bool has_recs_ = false;
    std::vector<Place> places_;
    std::string nested_init_;
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
