#pragma once
// Spec text -> tokens, each with its line and column.

#include <memory>
#include <string>
#include <vector>

#include "spec/diagnostics.h"

namespace stateproof::spec {

enum class Tok : uint8_t {
    End,
    Ident,
    Int,
    String,
    // punctuation
    LParen, RParen, LBrace, RBrace, LBracket, RBracket,
    Comma, Colon, Semi, Dot, DotDot, Assign /* := */, Arrow /* => */,
    Plus, Minus, Star, Slash, Percent,
    Eq /* == */, Ne /* != */, Lt, Le, Gt, Ge,
    Bang /* ! */, AndAnd, OrOr, Prime /* ' */, Underscore, Equals /* = */,
    // keywords
    KwMachine, KwConst, KwEnum, KwType, KwVar, KwEvent, KwFun, KwProc, KwAction,
    KwWhen, KwInit, KwInvariant, KwTransition, KwFinal, KwIf, KwThen, KwElif,
    KwElse, KwEmit, KwLet, KwFor, KwIn, KwAssert, KwSkip, KwTrue, KwFalse, KwAnd,
    KwOr, KwNot, KwBool, KwArray, KwOf, KwRecord, KwForall, KwExists, KwCount,
    KwNext, KwFires, KwEmits,
};

struct Token {
    Tok kind;
    SourceLoc loc;
    std::string text;   ///< identifier name, string contents, or the token as written
    int64_t number = 0; ///< Int
};

/// Printable name of a token kind for messages: `':='`, `identifier`.
std::string token_name(Tok kind);

/// Splits the whole file into tokens, ending with Tok::End.
/// Comments run from `--` or `//` to the end of the line.
/// Throws SpecError on an unexpected character, an unterminated string, or an
/// integer literal that does not fit in 32 bits.
std::vector<Token> lex(const std::shared_ptr<const SourceFile>& file);

}  // namespace stateproof::spec
