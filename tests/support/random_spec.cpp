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
    explicit Generator(uint64_t seed) : rng_(seed * 0x9E3779B97F4A7C15ull + 1) {}

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
        if (any_free && pick(2) == 0) s << "init " << boolean(1, false) << "\n";
        s << "event E(v: 0..2)\n";
        s << "event F\n";
        int nactions = 2 + pick(3);
        for (int a = 0; a < nactions; ++a) {
            bool param = pick(2) == 0;
            in_action_param_ = param;
            s << "action act" << a << (param ? "(p: Idx)" : "");
            if (pick(4)) s << " when " << boolean(2, false);
            s << " {\n";
            int nstmts = 1 + pick(3);
            for (int i = 0; i < nstmts; ++i) statement(s, "    ", 1);
            s << "}\n";
            in_action_param_ = false;
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
    int pick(int n) { return int(rng_() % uint64_t(n)); }

    std::string int_atom(bool next) {
        std::vector<std::string> choices;
        for (const auto& x : ints_) choices.push_back(wrap_next(x.name, next));
        choices.push_back(std::to_string(pick(3)));
        if (has_arr_) choices.push_back(wrap_next("arr[" + index() + "]", next));
        return choices[pick(int(choices.size()))];
    }

    std::string index() {
        if (in_action_param_ && pick(2)) return "p";
        return std::to_string(pick(2));
    }

    static std::string wrap_next(const std::string& e, bool next) { return next ? "next(" + e + ")" : e; }

    // An integer expression with values in 0..hi.
    std::string int_expr(int hi, int depth) {
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
            case 0: return wrap_next(bools_[pick(int(bools_.size()))], next && pick(2));
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

    void statement(std::ostringstream& s, const std::string& indent, int depth) {
        int kind = pick(depth > 0 ? 6 : 5);
        if (kind <= 1) {
            const IntVar& x = ints_[pick(int(ints_.size()))];
            s << indent << x.name << " := " << int_expr(x.hi, 1) << "\n";
        } else if (kind == 2) {
            s << indent << bools_[pick(int(bools_.size()))] << " := " << boolean(1, false) << "\n";
        } else if (kind == 3) {
            if (has_mode_) {
                static const char* members[] = {"Mode.A", "Mode.B", "Mode.C"};
                s << indent << "mode := " << members[pick(3)] << "\n";
            } else if (has_arr_) {
                s << indent << "arr[" << index() << "] := " << int_expr(2, 1) << "\n";
            } else {
                s << indent << "emit F\n";
            }
        } else if (kind == 4) {
            if (pick(2)) s << indent << "emit E(" << int_expr(2, 0) << ")\n";
            else if (has_arr_) s << indent << "arr[" << index() << "] := " << int_expr(2, 1) << "\n";
            else s << indent << "emit F\n";
        } else {
            s << indent << "if " << boolean(1, false) << " {\n";
            statement(s, indent + "    ", depth - 1);
            s << indent << "}";
            if (pick(2)) {
                s << " else {\n";
                statement(s, indent + "    ", depth - 1);
                s << indent << "}";
            }
            s << "\n";
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
    std::vector<std::string> bools_;
    std::vector<IntVar> ints_;
    bool has_mode_ = false;
    bool has_arr_ = false;
    bool in_action_param_ = false;
    int action_count_ = 2;
    int quantified_ = 0;  // quantified names must not shadow each other
};

}  // namespace

std::string random_spec(uint64_t seed) { return Generator(seed).spec(); }

}  // namespace stateproof::testing
