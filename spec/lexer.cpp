#include "spec/lexer.h"

#include <cctype>
#include <unordered_map>

namespace stateproof::spec {

static const std::unordered_map<std::string, Tok>& keywords() {
    static const std::unordered_map<std::string, Tok> k = {
        {"machine", Tok::KwMachine}, {"const", Tok::KwConst},   {"enum", Tok::KwEnum},
        {"type", Tok::KwType},       {"var", Tok::KwVar},       {"event", Tok::KwEvent},
        {"fun", Tok::KwFun},         {"proc", Tok::KwProc},     {"action", Tok::KwAction},
        {"when", Tok::KwWhen},       {"init", Tok::KwInit},     {"invariant", Tok::KwInvariant},
        {"transition", Tok::KwTransition}, {"final", Tok::KwFinal}, {"if", Tok::KwIf},
        {"then", Tok::KwThen},       {"elif", Tok::KwElif},     {"else", Tok::KwElse},
        {"emit", Tok::KwEmit},       {"let", Tok::KwLet},       {"for", Tok::KwFor},
        {"in", Tok::KwIn},           {"assert", Tok::KwAssert}, {"skip", Tok::KwSkip},
        {"true", Tok::KwTrue},       {"false", Tok::KwFalse},   {"and", Tok::KwAnd},
        {"or", Tok::KwOr},           {"not", Tok::KwNot},       {"bool", Tok::KwBool},
        {"array", Tok::KwArray},     {"of", Tok::KwOf},         {"record", Tok::KwRecord},
        {"forall", Tok::KwForall},   {"exists", Tok::KwExists}, {"count", Tok::KwCount},
        {"next", Tok::KwNext},       {"fires", Tok::KwFires},   {"emits", Tok::KwEmits},
    };
    return k;
}

std::string token_name(Tok kind) {
    switch (kind) {
    case Tok::End: return "end of file";
    case Tok::Ident: return "identifier";
    case Tok::Int: return "integer";
    case Tok::String: return "string";
    case Tok::LParen: return "'('";
    case Tok::RParen: return "')'";
    case Tok::LBrace: return "'{'";
    case Tok::RBrace: return "'}'";
    case Tok::LBracket: return "'['";
    case Tok::RBracket: return "']'";
    case Tok::Comma: return "','";
    case Tok::Colon: return "':'";
    case Tok::Semi: return "';'";
    case Tok::Dot: return "'.'";
    case Tok::DotDot: return "'..'";
    case Tok::Assign: return "':='";
    case Tok::Arrow: return "'=>'";
    case Tok::Plus: return "'+'";
    case Tok::Minus: return "'-'";
    case Tok::Star: return "'*'";
    case Tok::Slash: return "'/'";
    case Tok::Percent: return "'%'";
    case Tok::Eq: return "'=='";
    case Tok::Ne: return "'!='";
    case Tok::Lt: return "'<'";
    case Tok::Le: return "'<='";
    case Tok::Gt: return "'>'";
    case Tok::Ge: return "'>='";
    case Tok::Bang: return "'!'";
    case Tok::AndAnd: return "'&&'";
    case Tok::OrOr: return "'||'";
    case Tok::Prime: return "\"'\"";
    case Tok::Underscore: return "'_'";
    case Tok::Equals: return "'='";
    default:
        for (const auto& [word, tok] : keywords())
            if (tok == kind) return "'" + word + "'";
        return "token";
    }
}

namespace {

class Lexer {
  public:
    explicit Lexer(const std::shared_ptr<const SourceFile>& file)
        : file_(file), s_(file->text) {}

    std::vector<Token> run() {
        std::vector<Token> out;
        for (;;) {
            skip_space_and_comments();
            Token t;
            t.loc = {line_, col_};
            if (pos_ >= s_.size()) {
                t.kind = Tok::End;
                out.push_back(t);
                return out;
            }
            char c = s_[pos_];
            if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
                size_t start = pos_;
                while (pos_ < s_.size() &&
                       (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
                    advance();
                t.text = s_.substr(start, pos_ - start);
                if (t.text == "_") {
                    t.kind = Tok::Underscore;
                } else if (auto it = keywords().find(t.text); it != keywords().end()) {
                    t.kind = it->second;
                } else {
                    t.kind = Tok::Ident;
                }
            } else if (std::isdigit(static_cast<unsigned char>(c))) {
                size_t start = pos_;
                int64_t v = 0;
                while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
                    v = v * 10 + (s_[pos_] - '0');
                    if (v > INT32_MAX) fail(t.loc, "integer literal too large (the limit is 2147483647)");
                    advance();
                }
                if (pos_ < s_.size() &&
                    (std::isalpha(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
                    fail({line_, col_}, "unexpected character '" + std::string(1, s_[pos_]) +
                                            "' after a number");
                t.kind = Tok::Int;
                t.number = v;
                t.text = s_.substr(start, pos_ - start);
            } else if (c == '"') {
                advance();
                std::string text;
                for (;;) {
                    if (pos_ >= s_.size() || s_[pos_] == '\n')
                        fail(t.loc, "unterminated string literal");
                    char d = s_[pos_];
                    advance();
                    if (d == '"') break;
                    if (d == '\\' && pos_ < s_.size() && s_[pos_] != '\n') {
                        d = s_[pos_];
                        advance();
                    }
                    text += d;
                }
                t.kind = Tok::String;
                t.text = std::move(text);
            } else {
                t.kind = punct(t.loc);
            }
            out.push_back(std::move(t));
        }
    }

  private:
    [[noreturn]] void fail(SourceLoc loc, const std::string& msg) {
        throw SpecError(file_, loc, msg);
    }

    void advance() {
        if (s_[pos_] == '\n') {
            ++line_;
            col_ = 1;
        } else {
            ++col_;
        }
        ++pos_;
    }

    bool at(const char* p) const { return s_.compare(pos_, std::char_traits<char>::length(p), p) == 0; }

    void skip_space_and_comments() {
        while (pos_ < s_.size()) {
            char c = s_[pos_];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                advance();
            } else if (at("--") || at("//")) {
                while (pos_ < s_.size() && s_[pos_] != '\n') advance();
            } else {
                break;
            }
        }
    }

    Tok punct(SourceLoc loc) {
        struct P {
            const char* text;
            Tok kind;
        };
        // Longest first, so `:=` wins over `:` and `..` over `.`.
        static const P table[] = {
            {":=", Tok::Assign}, {"=>", Tok::Arrow}, {"==", Tok::Eq},   {"!=", Tok::Ne},
            {"<=", Tok::Le},     {">=", Tok::Ge},    {"&&", Tok::AndAnd}, {"||", Tok::OrOr},
            {"..", Tok::DotDot}, {"(", Tok::LParen}, {")", Tok::RParen}, {"{", Tok::LBrace},
            {"}", Tok::RBrace},  {"[", Tok::LBracket}, {"]", Tok::RBracket}, {",", Tok::Comma},
            {":", Tok::Colon},   {";", Tok::Semi},   {".", Tok::Dot},    {"+", Tok::Plus},
            {"-", Tok::Minus},   {"*", Tok::Star},   {"/", Tok::Slash},  {"%", Tok::Percent},
            {"<", Tok::Lt},      {">", Tok::Gt},     {"!", Tok::Bang},   {"'", Tok::Prime},
            {"=", Tok::Equals},
        };
        for (const P& p : table) {
            if (at(p.text)) {
                for (size_t i = 0; p.text[i]; ++i) advance();
                return p.kind;
            }
        }
        unsigned char c = static_cast<unsigned char>(s_[pos_]);
        std::string shown = std::isprint(c) ? std::string("'") + char(c) + "'"
                                            : "byte 0x" + std::string(1, "0123456789abcdef"[c >> 4]) +
                                                  std::string(1, "0123456789abcdef"[c & 15]);
        fail(loc, "unexpected character " + shown);
    }

    std::shared_ptr<const SourceFile> file_;
    const std::string& s_;
    size_t pos_ = 0;
    uint32_t line_ = 1;
    uint32_t col_ = 1;
};

}  // namespace

std::vector<Token> lex(const std::shared_ptr<const SourceFile>& file) { return Lexer(file).run(); }

}  // namespace stateproof::spec
