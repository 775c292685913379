#include "spec/parser.h"

#include "spec/lexer.h"

namespace stateproof::spec {

namespace {

using namespace ast;

// Deeper nesting than this is refused with a message instead of risking the
// native stack (a malformed or generated spec must never crash us).
constexpr int kMaxDepth = 200;

class Parser {
  public:
    explicit Parser(const std::shared_ptr<const SourceFile>& file)
        : file_(file), toks_(lex(file)) {}

    Spec spec() {
        Spec s;
        s.loc = peek().loc;
        expect(Tok::KwMachine, "a spec starts with 'machine NAME'");
        s.machine_name = expect_ident("machine name").text;
        while (!at(Tok::End)) s.decls.push_back(decl());
        return s;
    }

  private:
    // ---- token helpers
    const Token& peek(size_t k = 0) const {
        size_t i = std::min(pos_ + k, toks_.size() - 1);
        return toks_[i];
    }
    bool at(Tok k) const { return peek().kind == k; }
    bool accept(Tok k) {
        if (!at(k)) return false;
        ++pos_;
        return true;
    }
    Token take() { return toks_[std::min(pos_++, toks_.size() - 1)]; }

    [[noreturn]] void fail(SourceLoc loc, const std::string& msg) const {
        throw SpecError(file_, loc, msg);
    }
    std::string found() const {
        const Token& t = peek();
        if (t.kind == Tok::Ident) return "identifier '" + t.text + "'";
        if (t.kind == Tok::Int) return "integer " + t.text;
        return token_name(t.kind);
    }
    [[noreturn]] void unexpected(const std::string& wanted) const {
        fail(peek().loc, "expected " + wanted + ", found " + found());
    }
    Token expect(Tok k, const std::string& context = {}) {
        if (!at(k)) {
            std::string msg = "expected " + token_name(k) + ", found " + found();
            if (!context.empty()) msg += " (" + context + ")";
            fail(peek().loc, msg);
        }
        return take();
    }
    Token expect_ident(const std::string& what) {
        if (!at(Tok::Ident)) {
            if (peek().kind >= Tok::KwMachine)
                fail(peek().loc, "expected " + what + ", found keyword " + token_name(peek().kind) +
                                     " (keywords cannot be used as names)");
            unexpected(what);
        }
        return take();
    }

    struct DepthGuard {
        Parser& p;
        explicit DepthGuard(Parser& parser, SourceLoc loc) : p(parser) {
            if (++p.depth_ > kMaxDepth)
                p.fail(loc, "nesting too deep (more than " + std::to_string(kMaxDepth) + " levels)");
        }
        ~DepthGuard() { --p.depth_; }
    };

    // ---- declarations
    Decl decl() {
        Decl d;
        d.loc = peek().loc;
        switch (peek().kind) {
        case Tok::KwConst: {
            take();
            d.kind = Decl::Kind::Const;
            name_of(d, "constant name");
            if (accept(Tok::Colon)) d.type = type();
            expect(Tok::Equals, "a constant needs a default value: const NAME = VALUE");
            d.value = expr();
            break;
        }
        case Tok::KwEnum: {
            take();
            d.kind = Decl::Kind::Enum;
            name_of(d, "enum name");
            expect(Tok::LBrace);
            do {
                if (at(Tok::RBrace)) break;
                Token m = expect_ident("enum member");
                d.members.push_back(m.text);
                d.member_locs.push_back(m.loc);
            } while (accept(Tok::Comma));
            expect(Tok::RBrace, "after the enum members");
            if (d.members.empty()) fail(d.name_loc, "enum '" + d.name + "' has no members");
            break;
        }
        case Tok::KwType: {
            take();
            d.kind = Decl::Kind::Type;
            name_of(d, "type name");
            expect(Tok::Equals);
            d.type = type();
            break;
        }
        case Tok::KwVar: {
            take();
            d.kind = Decl::Kind::Var;
            name_of(d, "variable name");
            expect(Tok::Colon, "a variable needs a type: var NAME : TYPE");
            d.type = type();
            if (accept(Tok::Equals)) d.value = expr();
            break;
        }
        case Tok::KwEvent: {
            take();
            d.kind = Decl::Kind::Event;
            name_of(d, "event name");
            if (at(Tok::LParen)) d.params = params();
            break;
        }
        case Tok::KwFun: {
            take();
            d.kind = Decl::Kind::Fun;
            name_of(d, "function name");
            d.params = params();
            expect(Tok::Colon, "a function needs a result type: fun f(...) : TYPE = EXPR");
            d.type = type();
            expect(Tok::Equals);
            d.value = expr();
            break;
        }
        case Tok::KwProc: {
            take();
            d.kind = Decl::Kind::Proc;
            name_of(d, "procedure name");
            d.params = params();
            d.body = block();
            break;
        }
        case Tok::KwAction: {
            take();
            d.kind = Decl::Kind::Action;
            name_of(d, "action name");
            if (at(Tok::LParen)) d.params = params();
            if (accept(Tok::KwWhen)) d.value = expr();
            d.body = block();
            break;
        }
        case Tok::KwInit:
            take();
            d.kind = Decl::Kind::Init;
            d.value = expr();
            break;
        case Tok::KwFinal:
            take();
            d.kind = Decl::Kind::Final;
            d.value = expr();
            break;
        case Tok::KwInvariant:
        case Tok::KwTransition:
            d.kind = take().kind == Tok::KwInvariant ? Decl::Kind::Invariant : Decl::Kind::Transition;
            name_of(d, "property name");
            expect(Tok::Colon);
            d.value = expr();
            break;
        default:
            unexpected("a declaration (const, enum, type, var, event, fun, proc, action, init, "
                       "invariant, transition, final)");
        }
        accept(Tok::Semi);
        return d;
    }

    void name_of(Decl& d, const std::string& what) {
        Token t = expect_ident(what);
        d.name = t.text;
        d.name_loc = t.loc;
    }

    std::vector<Param> params() {
        std::vector<Param> ps;
        expect(Tok::LParen);
        if (!at(Tok::RParen)) {
            do {
                Param p;
                Token t = expect_ident("parameter name");
                p.name = t.text;
                p.loc = t.loc;
                expect(Tok::Colon, "a parameter needs a type: NAME : TYPE");
                p.type = type();
                ps.push_back(std::move(p));
            } while (accept(Tok::Comma));
        }
        expect(Tok::RParen, "after the parameters");
        return ps;
    }

    // ---- types
    TypePtr type() {
        DepthGuard g(*this, peek().loc);
        auto t = std::make_unique<TypeExpr>();
        t->loc = peek().loc;
        if (accept(Tok::KwBool)) {
            t->kind = TypeExpr::Kind::Bool;
        } else if (accept(Tok::KwArray)) {
            t->kind = TypeExpr::Kind::Array;
            expect(Tok::LBracket, "array[INDEX] of TYPE");
            // `array[N]` means index 0..N-1; anything else is an index type.
            TypePtr index = type();
            if (index->kind == TypeExpr::Kind::Range && !index->lo) {
                t->hi = std::move(index->hi);
            } else {
                t->index = std::move(index);
            }
            expect(Tok::RBracket);
            expect(Tok::KwOf, "array[INDEX] of TYPE");
            t->elem = type();
        } else if (accept(Tok::KwRecord)) {
            t->kind = TypeExpr::Kind::Record;
            expect(Tok::LBrace, "record { field: TYPE, ... }");
            do {
                if (at(Tok::RBrace)) break;
                Field f;
                Token n = expect_ident("field name");
                f.name = n.text;
                f.loc = n.loc;
                expect(Tok::Colon);
                f.type = type();
                t->fields.push_back(std::move(f));
            } while (accept(Tok::Comma));
            expect(Tok::RBrace, "after the record fields");
            if (t->fields.empty()) fail(t->loc, "a record needs at least one field");
        } else {
            // A named type, a range `lo..hi`, or a bare size `N` (only inside array[...]).
            ExprPtr lo = additive();
            if (accept(Tok::DotDot)) {
                t->kind = TypeExpr::Kind::Range;
                t->lo = std::move(lo);
                t->hi = additive();
            } else if (lo->kind == Expr::Kind::Name) {
                t->kind = TypeExpr::Kind::Named;
                t->name = lo->name;
            } else {
                // A size; the checker rejects it outside array[...].
                t->kind = TypeExpr::Kind::Range;
                t->hi = std::move(lo);
            }
        }
        return t;
    }

    // ---- statements
    Block block() {
        expect(Tok::LBrace, "a block starts with '{'");
        Block b;
        while (!at(Tok::RBrace)) {
            if (at(Tok::End)) fail(peek().loc, "expected '}' to close the block, found end of file");
            b.push_back(stmt());
            accept(Tok::Semi);
        }
        take();
        return b;
    }

    Stmt stmt() {
        DepthGuard g(*this, peek().loc);
        Stmt s;
        s.loc = peek().loc;
        switch (peek().kind) {
        case Tok::KwIf:
            take();
            s.kind = Stmt::Kind::If;
            s.conds.push_back(expr());
            s.blocks.push_back(block());
            while (accept(Tok::KwElif)) {
                s.conds.push_back(expr());
                s.blocks.push_back(block());
            }
            if (accept(Tok::KwElse)) {
                if (at(Tok::KwIf)) fail(peek().loc, "write 'elif', not 'else if'");
                s.blocks.push_back(block());
            }
            return s;
        case Tok::KwEmit: {
            take();
            s.kind = Stmt::Kind::Emit;
            Token n = expect_ident("event name");
            s.name = n.text;
            s.name_loc = n.loc;
            if (at(Tok::LParen)) s.args = call_args();
            return s;
        }
        case Tok::KwLet: {
            take();
            s.kind = Stmt::Kind::Let;
            Token n = expect_ident("name");
            s.name = n.text;
            s.name_loc = n.loc;
            if (!at(Tok::Equals) && !at(Tok::Assign)) unexpected("'=' in let NAME = EXPR");
            take();
            s.value = expr();
            return s;
        }
        case Tok::KwFor: {
            take();
            s.kind = Stmt::Kind::For;
            Token n = expect_ident("loop variable");
            s.name = n.text;
            s.name_loc = n.loc;
            expect(Tok::KwIn, "for NAME in TYPE { ... }");
            s.range = type();
            s.body = block();
            return s;
        }
        case Tok::KwAssert:
            take();
            s.kind = Stmt::Kind::Assert;
            s.value = expr();
            if (accept(Tok::Comma)) s.message = expect(Tok::String, "assert COND, \"message\"").text;
            return s;
        case Tok::KwSkip:
            take();
            s.kind = Stmt::Kind::Skip;
            return s;
        case Tok::Ident:
            // A procedure call `p(...)` or an assignment `lvalue := expr`.
            if (peek(1).kind == Tok::LParen) {
                s.kind = Stmt::Kind::Call;
                Token n = take();
                s.name = n.text;
                s.name_loc = n.loc;
                s.args = call_args();
                return s;
            }
            s.kind = Stmt::Kind::Assign;
            s.target = postfix();
            if (at(Tok::Equals))
                fail(peek().loc, "expected ':=' in an assignment ('=' is only for declarations)");
            expect(Tok::Assign, "in an assignment");
            s.value = expr();
            return s;
        default:
            unexpected("a statement (assignment, if, emit, let, for, assert, skip or a procedure call)");
        }
    }

    std::vector<ExprPtr> call_args() {
        std::vector<ExprPtr> args;
        expect(Tok::LParen);
        if (!at(Tok::RParen)) {
            do args.push_back(expr());
            while (accept(Tok::Comma));
        }
        expect(Tok::RParen, "after the arguments");
        return args;
    }

    // ---- expressions, lowest precedence first
    ExprPtr expr() {
        DepthGuard g(*this, peek().loc);
        return implies();
    }

    ExprPtr make(Expr::Kind k, SourceLoc loc) {
        auto e = std::make_unique<Expr>();
        e->kind = k;
        e->loc = loc;
        return e;
    }
    ExprPtr binary(std::string op, SourceLoc loc, ExprPtr a, ExprPtr b) {
        auto e = make(Expr::Kind::Binary, loc);
        e->name = std::move(op);
        e->args.push_back(std::move(a));
        e->args.push_back(std::move(b));
        return e;
    }

    ExprPtr implies() {
        ExprPtr lhs = disjunction();
        if (at(Tok::Arrow)) {
            SourceLoc loc = take().loc;
            DepthGuard g(*this, loc);
            return binary("=>", loc, std::move(lhs), implies());  // right associative
        }
        return lhs;
    }
    ExprPtr disjunction() {
        ExprPtr lhs = conjunction();
        while (at(Tok::KwOr) || at(Tok::OrOr)) {
            SourceLoc loc = take().loc;
            lhs = binary("or", loc, std::move(lhs), conjunction());
        }
        return lhs;
    }
    ExprPtr conjunction() {
        ExprPtr lhs = negation();
        while (at(Tok::KwAnd) || at(Tok::AndAnd)) {
            SourceLoc loc = take().loc;
            lhs = binary("and", loc, std::move(lhs), negation());
        }
        return lhs;
    }
    ExprPtr negation() {
        if (at(Tok::KwNot) || at(Tok::Bang)) {
            SourceLoc loc = take().loc;
            DepthGuard g(*this, loc);
            auto e = make(Expr::Kind::Unary, loc);
            e->name = "not";
            e->args.push_back(negation());
            return e;
        }
        return comparison();
    }
    ExprPtr comparison() {
        ExprPtr lhs = additive();
        static const std::pair<Tok, const char*> ops[] = {
            {Tok::Eq, "=="}, {Tok::Ne, "!="}, {Tok::Lt, "<"}, {Tok::Le, "<="}, {Tok::Gt, ">"}, {Tok::Ge, ">="}};
        for (const auto& [tok, name] : ops) {
            if (at(tok)) {
                SourceLoc loc = take().loc;
                ExprPtr e = binary(name, loc, std::move(lhs), additive());
                if (at(Tok::Eq) || at(Tok::Ne) || at(Tok::Lt) || at(Tok::Le) || at(Tok::Gt) || at(Tok::Ge))
                    fail(peek().loc, "comparisons do not chain; use 'and'");
                return e;
            }
        }
        if (at(Tok::Equals))
            fail(peek().loc, "'=' is not a comparison; write '==' (or ':=' to assign)");
        if (at(Tok::KwIn)) {
            SourceLoc loc = take().loc;
            auto e = make(Expr::Kind::In, loc);
            e->args.push_back(std::move(lhs));
            if (accept(Tok::LBrace)) {
                do e->args.push_back(additive());
                while (accept(Tok::Comma));
                expect(Tok::RBrace, "after the set elements");
            } else {
                e->range = type();
            }
            return e;
        }
        return lhs;
    }
    ExprPtr additive() {
        ExprPtr lhs = multiplicative();
        while (at(Tok::Plus) || at(Tok::Minus)) {
            Token op = take();
            lhs = binary(op.kind == Tok::Plus ? "+" : "-", op.loc, std::move(lhs), multiplicative());
        }
        return lhs;
    }
    ExprPtr multiplicative() {
        ExprPtr lhs = unary();
        while (at(Tok::Star) || at(Tok::Slash) || at(Tok::Percent)) {
            Token op = take();
            const char* name = op.kind == Tok::Star ? "*" : op.kind == Tok::Slash ? "/" : "%";
            lhs = binary(name, op.loc, std::move(lhs), unary());
        }
        return lhs;
    }
    ExprPtr unary() {
        if (at(Tok::Minus)) {
            SourceLoc loc = take().loc;
            DepthGuard g(*this, loc);
            auto e = make(Expr::Kind::Unary, loc);
            e->name = "-";
            e->args.push_back(unary());
            return e;
        }
        return postfix();
    }
    ExprPtr postfix() {
        ExprPtr e = primary();
        for (;;) {
            if (at(Tok::LBracket)) {
                SourceLoc loc = take().loc;
                auto ix = make(Expr::Kind::Index, loc);
                ix->args.push_back(std::move(e));
                ix->args.push_back(expr());
                expect(Tok::RBracket, "after the index");
                e = std::move(ix);
            } else if (at(Tok::Dot)) {
                SourceLoc loc = take().loc;
                auto m = make(Expr::Kind::Member, loc);
                m->name = expect_ident("field name after '.'").text;
                m->args.push_back(std::move(e));
                e = std::move(m);
            } else if (at(Tok::Prime)) {
                SourceLoc loc = take().loc;
                auto n = make(Expr::Kind::Next, loc);
                n->args.push_back(std::move(e));
                e = std::move(n);
            } else {
                return e;
            }
        }
    }
    ExprPtr primary() {
        DepthGuard g(*this, peek().loc);
        SourceLoc loc = peek().loc;
        switch (peek().kind) {
        case Tok::Int: {
            auto e = make(Expr::Kind::Int, loc);
            e->number = take().number;
            return e;
        }
        case Tok::KwTrue:
        case Tok::KwFalse: {
            auto e = make(Expr::Kind::Bool, loc);
            e->number = take().kind == Tok::KwTrue;
            return e;
        }
        case Tok::Underscore: {
            take();
            return make(Expr::Kind::Wildcard, loc);
        }
        case Tok::Ident: {
            Token n = take();
            if (at(Tok::LParen)) {
                auto e = make(Expr::Kind::Call, loc);
                e->name = n.text;
                e->args = call_args();
                return e;
            }
            auto e = make(Expr::Kind::Name, loc);
            e->name = n.text;
            return e;
        }
        case Tok::LParen: {
            take();
            ExprPtr e = expr();
            expect(Tok::RParen, "to close '('");
            return e;
        }
        case Tok::LBrace: {
            take();
            auto e = make(Expr::Kind::Record, loc);
            do {
                if (at(Tok::RBrace)) break;
                FieldInit f;
                Token n = expect_ident("field name in a record value { field: VALUE, ... }");
                f.name = n.text;
                f.loc = n.loc;
                expect(Tok::Colon);
                f.value = expr();
                e->fields.push_back(std::move(f));
            } while (accept(Tok::Comma));
            expect(Tok::RBrace, "after the record fields");
            return e;
        }
        case Tok::KwIf: {
            take();
            auto e = make(Expr::Kind::Ite, loc);
            e->args.push_back(expr());
            expect(Tok::KwThen, "if COND then A else B");
            e->args.push_back(expr());
            expect(Tok::KwElse, "an if-expression needs an else branch");
            e->args.push_back(expr());
            return e;
        }
        case Tok::KwForall:
        case Tok::KwExists:
        case Tok::KwCount: {
            Token q = take();
            auto e = make(Expr::Kind::Quant, loc);
            e->number = q.kind == Tok::KwForall ? 0 : q.kind == Tok::KwExists ? 1 : 2;
            e->name = expect_ident("bound variable").text;
            expect(Tok::KwIn, "forall NAME in TYPE: EXPR");
            e->range = type();
            expect(Tok::Colon, "forall NAME in TYPE: EXPR");
            e->args.push_back(expr());
            return e;
        }
        case Tok::KwNext: {
            take();
            auto e = make(Expr::Kind::Next, loc);
            expect(Tok::LParen, "next(EXPR)");
            e->args.push_back(expr());
            expect(Tok::RParen, "to close next(");
            return e;
        }
        case Tok::KwFires:
        case Tok::KwEmits: {
            bool fires = take().kind == Tok::KwFires;
            auto e = make(fires ? Expr::Kind::Fires : Expr::Kind::Emits, loc);
            e->name = expect_ident(fires ? "action name" : "event name").text;
            if (at(Tok::LParen)) {
                e->has_args = true;
                e->args = call_args();
            }
            return e;
        }
        default:
            unexpected("an expression");
        }
    }

    std::shared_ptr<const SourceFile> file_;
    std::vector<Token> toks_;
    size_t pos_ = 0;
    int depth_ = 0;
};

}  // namespace

ast::Spec parse(const std::shared_ptr<const SourceFile>& file) { return Parser(file).spec(); }

}  // namespace stateproof::spec
