#include "spec/explain.h"

#include <set>

namespace stateproof::spec {

namespace {

int precedence(Op op) {
    switch (op) {
    case Op::Implies: return 1;
    case Op::Or: return 2;
    case Op::And: return 3;
    case Op::Not: return 4;
    case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: return 5;
    case Op::Add: case Op::Sub: return 6;
    case Op::Mul: case Op::Div: case Op::Mod: return 7;
    case Op::Neg: return 8;
    default: return 9;
    }
}

const char* symbol(Op op) {
    switch (op) {
    case Op::Add: return " + ";
    case Op::Sub: return " - ";
    case Op::Mul: return " * ";
    case Op::Div: return " / ";
    case Op::Mod: return " % ";
    case Op::Eq: return " == ";
    case Op::Ne: return " != ";
    case Op::Lt: return " < ";
    case Op::Le: return " <= ";
    case Op::And: return " and ";
    case Op::Or: return " or ";
    case Op::Implies: return " => ";
    default: return " ? ";
    }
}

// The printable name of the scalar group a Var/Load reads: `aw[s].kind`.
std::string place_name(const Machine& m, const Expr& e, std::span<const int32_t> args) {
    if (e.op == Op::Var) return m.scalars[e.value].path + (e.primed ? "'" : "");
    // A Load: the path of its base scalar with each dynamic index printed.
    std::string path = m.scalars[e.value].path;
    // Replace the index texts, left to right, by the index expressions.
    size_t pos = 0;
    std::string out;
    for (size_t k = 0; k < e.args.size(); ++k) {
        size_t open = path.find('[', pos);
        size_t close = path.find(']', open);
        if (open == std::string::npos || close == std::string::npos) break;
        out += path.substr(pos, open + 1 - pos) + print_expr(m, e.args[k], args) + "]";
        pos = close + 1;
    }
    out += path.substr(pos);
    return out + (e.primed ? "'" : "");
}

void print(const Machine& m, ExprId id, std::span<const int32_t> args, int outer, std::string& out) {
    const Expr& e = m.expr(id);
    int p = precedence(e.op);
    bool paren = p < outer;
    if (paren) out += "(";
    switch (e.op) {
    case Op::Const: out += m.format_value(e.type, e.value); break;
    case Op::Var:
    case Op::Load: out += place_name(m, e, args); break;
    case Op::Param:
        if (size_t(e.value) < args.size()) out += m.format_value(e.type, args[e.value]);
        else out += "param" + std::to_string(e.value);
        break;
    case Op::Local: out += "local" + std::to_string(e.value); break;
    case Op::Not: out += "not "; print(m, e.args[0], args, p, out); break;
    case Op::Neg: out += "-"; print(m, e.args[0], args, p, out); break;
    case Op::InRange: print(m, e.args[0], args, outer, out); break;  // the check is not written
    case Op::Ite:
        out += "if ";
        print(m, e.args[0], args, 0, out);
        out += " then ";
        print(m, e.args[1], args, 0, out);
        out += " else ";
        print(m, e.args[2], args, 0, out);
        break;
    case Op::Fired:
    case Op::Emitted: {
        const bool fired = e.op == Op::Fired;
        out += fired ? "fires " + m.actions[e.value].name : "emits " + m.events[e.value].name;
        out += "(";
        for (size_t k = 0; k < e.args.size(); ++k) {
            if (k) out += ", ";
            if (e.args[k] == kNoExpr) out += "_";
            else print(m, e.args[k], args, 0, out);
        }
        out += ")";
        break;
    }
    default:
        print(m, e.args[0], args, p, out);
        out += symbol(e.op);
        print(m, e.args[1], args, p + 1, out);
        break;
    }
    if (paren) out += ")";
}

void reads(const Machine& m, ExprId id, const int32_t* pre, std::span<const int32_t> args, std::set<uint32_t>& out) {
    const Expr& e = m.expr(id);
    if (e.op == Op::Var) out.insert(uint32_t(e.value));
    if (e.op == Op::Load) {
        int64_t s = e.value;
        bool ok = true;
        for (size_t k = 0; k < e.args.size(); ++k) {
            auto v = evaluate(m, e.args[k], pre, args);
            int64_t off = v ? int64_t(*v) - e.index[k].lo : -1;
            // Each index within its own dimension: an out-of-bounds inner
            // index must not name a neighbouring element.
            if (off < 0 || off >= e.index[k].count) { ok = false; break; }
            s += off * e.index[k].stride;
        }
        if (ok) out.insert(uint32_t(s));
    }
    for (ExprId a : e.args)
        if (a != kNoExpr) reads(m, a, pre, args, out);
}

}  // namespace

std::string print_expr(const Machine& m, ExprId e, std::span<const int32_t> args) {
    std::string out;
    print(m, e, args, 0, out);
    return out;
}

std::optional<int32_t> evaluate(const Machine& m, ExprId id, const int32_t* pre, std::span<const int32_t> args) {
    const Expr& e = m.expr(id);
    auto sub = [&](size_t k) { return evaluate(m, e.args[k], pre, args); };
    switch (e.op) {
    case Op::Const: return e.value;
    case Op::Param:
        if (size_t(e.value) >= args.size()) return std::nullopt;
        return args[e.value];
    case Op::Var:
        if (e.primed) return std::nullopt;
        return pre[e.value];
    case Op::Load: {
        if (e.primed) return std::nullopt;
        int64_t s = e.value;
        for (size_t k = 0; k < e.args.size(); ++k) {
            auto v = sub(k);
            if (!v) return std::nullopt;
            int64_t off = int64_t(*v) - e.index[k].lo;
            if (off < 0 || off >= e.index[k].count) return std::nullopt;
            s += off * e.index[k].stride;
        }
        return pre[s];
    }
    case Op::Local:
    case Op::Fired:
    case Op::Emitted: return std::nullopt;
    case Op::Not: {
        auto a = sub(0);
        if (!a) return std::nullopt;
        return !*a;
    }
    case Op::Neg: {
        auto a = sub(0);
        if (!a) return std::nullopt;
        return -*a;
    }
    case Op::And:
    case Op::Or:
    case Op::Implies: {
        auto a = sub(0);
        if (!a) return std::nullopt;
        if (e.op == Op::And && !*a) return 0;
        if (e.op == Op::Or && *a) return 1;
        if (e.op == Op::Implies && !*a) return 1;
        auto b = sub(1);
        if (!b) return std::nullopt;
        return *b != 0;
    }
    case Op::Ite: {
        auto c = sub(0);
        if (!c) return std::nullopt;
        return sub(*c ? 1 : 2);
    }
    case Op::InRange: {
        auto a = sub(0);
        const Type& t = m.types[e.type];
        if (!a || *a < t.lo || *a > t.hi) return std::nullopt;  // the evaluator fails here
        return a;
    }
    default: {
        auto a = sub(0), b = sub(1);
        if (!a || !b) return std::nullopt;
        int64_t x = *a, y = *b;
        switch (e.op) {
        case Op::Add: return int32_t(x + y);
        case Op::Sub: return int32_t(x - y);
        case Op::Mul: return int32_t(x * y);
        case Op::Div: if (!y) return std::nullopt; return int32_t(x / y);
        case Op::Mod: if (!y) return std::nullopt; return int32_t(x % y);
        case Op::Eq: return x == y;
        case Op::Ne: return x != y;
        case Op::Lt: return x < y;
        case Op::Le: return x <= y;
        default: return std::nullopt;
        }
    }
    }
}

std::vector<std::string> false_conjuncts(const Machine& m, uint32_t action, const int32_t* pre,
                                         std::span<const int32_t> args) {
    std::vector<ExprId> parts;
    std::vector<ExprId> todo{m.actions[action].guard};
    while (!todo.empty()) {
        ExprId id = todo.back();
        todo.pop_back();
        const Expr& e = m.expr(id);
        if (e.op == Op::And) {
            todo.push_back(e.args[1]);
            todo.push_back(e.args[0]);
        } else {
            parts.push_back(id);
        }
    }
    std::vector<std::string> out;
    for (ExprId part : parts) {
        auto v = evaluate(m, part, pre, args);
        if (v && *v) continue;
        std::string line = "`" + print_expr(m, part, args) + "` is " + (v ? "false" : "undefined");
        std::set<uint32_t> read;
        reads(m, part, pre, args, read);
        if (!read.empty()) {
            line += " (";
            bool first = true;
            for (uint32_t s : read) {
                line += (first ? "" : ", ") + m.scalars[s].path + " = " + m.format_value(m.scalars[s].type, pre[s]);
                first = false;
            }
            line += ")";
        }
        out.push_back(std::move(line));
    }
    return out;
}

}  // namespace stateproof::spec
