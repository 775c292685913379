#include "model/scripted_body.h"

namespace stateproof::model {

namespace {

const char* reaction_name(Reaction::Kind k) {
    static const char* names[] = {"yield", "await", "return", "raise", "propagate"};
    return names[int(k)];
}

}  // namespace

AsyncGenBody scripted_body(Script script, AsyncGenTrace* trace) {
    Resumption in{None{}, std::nullopt};
    for (;;) {
        if (trace) {
            if (in.thrown) trace->add({AsyncGenEvent::Kind::ThrownIn, "", -1, in.thrown->what(), ""});
            else trace->add({AsyncGenEvent::Kind::Resumed, "", -1, repr(in.value), ""});
        }
        std::optional<Reaction> r = script(in);
        if (!r) throw EndOfScript{};
        if (trace)
            trace->add({AsyncGenEvent::Kind::Reaction, reaction_name(r->kind), -1,
                        r->kind == Reaction::Kind::Raise ? r->error->what() : repr(r->value), ""});
        switch (r->kind) {
        case Reaction::Kind::Yield:
        case Reaction::Kind::Await:
            // The script decides what the body catches: everything, as
            // `except BaseException` would (GeneratorExit included).
            try {
                Value v;
                if (r->kind == Reaction::Kind::Yield) {
                    v = co_yield r->value;
                } else {
                    Suspend s{r->value};
                    v = co_await s;
                }
                in = {std::move(v), std::nullopt};
            } catch (const PyException& e) {
                in = {None{}, e};
            }
            break;
        case Reaction::Kind::Return: co_return;
        case Reaction::Kind::Raise: throw std::move(*r->error);
        case Reaction::Kind::Propagate:
            if (!in.thrown) throw ScriptError("propagate: no exception was thrown in at this resumption");
            throw std::move(*in.thrown);
        }
    }
}

}  // namespace stateproof::model
