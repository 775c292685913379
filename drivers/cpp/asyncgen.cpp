// AsyncGen (spec/asyncgen.sm) on model/: the twin of
// drivers/python/stateproof_driver/asyncgen.py. The generator's body is
// model::scripted_body, whose script takes each reaction from the scenario
// itself; client steps that come before the reaction are performed from
// inside the running body (re-entrant calls). Awaitables are stepped by
// hand; dropping the last reference to one (or to the generator) is its
// deallocation, as in CPython. The spec's `profile` selects the model's mode.

#include <array>
#include <map>
#include <optional>

#include "drivers/cpp/adapter.h"
#include "model/asyncgen.h"
#include "model/asyncgen_messages.h"
#include "model/scripted_body.h"
#include "spec/diagnostics.h"

namespace stateproof::drivers::cpp {

namespace {

using namespace stateproof::model;

// Exceptions the scenarios throw or the body raises carry this message, so
// they are told apart from the model's own errors of the same type.
constexpr const char* kTag = "stateproof";

// The model's own errors, by class and message, as the spec's Msg enum.
const std::map<std::pair<std::string, std::string>, std::string>& messages() {
    static const std::map<std::pair<std::string, std::string>, std::string> m = {
        {{"TypeError", asyncgen_msg::agen_just_started}, "AgenJustStarted"},
        {{"RuntimeError", asyncgen_msg::coro_just_started}, "CoroJustStarted"},
        {{"ValueError", asyncgen_msg::already_executing}, "AlreadyExecuting"},
        {{"RuntimeError", asyncgen_msg::anext_running}, "AnextRunning"},
        {{"RuntimeError", asyncgen_msg::athrow_running}, "AthrowRunning"},
        {{"RuntimeError", asyncgen_msg::aclose_running}, "AcloseRunning"},
        {{"RuntimeError", asyncgen_msg::reuse_asend}, "ReuseAsend"},
        {{"RuntimeError", asyncgen_msg::reuse_athrow}, "ReuseAthrow"},
        {{"RuntimeError", asyncgen_msg::ignored_exit}, "IgnoredGeneratorExit"},
        {{"RuntimeError", asyncgen_msg::coro_ignored_exit}, "CoroIgnoredGeneratorExit"},
        {{"RuntimeError", asyncgen_msg::raised_stop}, "RaisedStopIteration"},
        {{"RuntimeError", asyncgen_msg::raised_stop_async}, "RaisedStopAsyncIteration"},
    };
    return m;
}

const ExceptionClass* exception_class(const std::string& name) {
    if (name == "ValueError") return &exc::ValueError();
    if (name == "KeyError") return &exc::KeyError();
    if (name == "GeneratorExit") return &exc::GeneratorExit();
    if (name == "StopIteration") return &exc::StopIteration();
    if (name == "StopAsyncIteration") return &exc::StopAsyncIteration();
    return nullptr;
}

// The event for an exception that escaped a step: Raised(e) or Err(m).
std::pair<std::string, std::string> exception_event(const PyException& e) {
    const std::string& cls = e.cls().name();
    if (cls == "RuntimeError" && e.message() == "generator raised StopIteration") return {"Raised", "GenStopIteration"};
    auto it = messages().find({cls, e.message()});
    if (it != messages().end()) return {"Err", it->second};
    if (exception_class(cls)) return {"Raised", cls};
    return {"Raised", other_exception(e)};
}

std::string value_name(const Value& v) {
    if (std::holds_alternative<None>(v)) return "None";
    if (auto* s = std::get_if<std::string>(&v)) return *s;
    return other_value(v);
}

Value value_of(const std::string& name) { return name == "None" ? Value(None{}) : Value(name); }

/// One action instance of the spec, decoded once.
struct Step {
    std::string action;
    int slot = 0;
    std::string v, e;  // a value name, an exception name
    bool reaction = false;
};

struct Inapplicable {
    std::string reason;
};

class ScenarioRun {
  public:
    ScenarioRun(const spec::CompiledMachine& cm, const std::vector<Step>& decoded, const explorer::Scenario& sc,
                std::vector<spec::ObservedStep>& out, AsyncGenMode mode, const std::string& firstiter, bool finalizer)
        : cm_(cm), decoded_(decoded), sc_(sc), out_(out), mode_(mode), firstiter_(firstiter), finalizer_(finalizer) {
        begun_.assign(sc.size(), false);
        out_.assign(sc.size(), {});
        for (size_t k = 0; k < sc.size(); ++k) {
            const spec::Instance& inst = cm.instance(sc[k]);
            out_[k].action = inst.action;
            out_[k].args = inst.args;
        }
    }

    void run() {
        AsyncGenHooks hooks;
        if (firstiter_ != "none")
            hooks.firstiter = [this](AsyncGen&) {
                if (finished_) return;
                emit("FirstIter", {});
                if (firstiter_ == "raises") throw PyException(exc::KeyError(), kTag);
            };
        if (finalizer_)
            hooks.finalizer = [this](AsyncGen&) {
                if (!finished_) emit("FinalizerCalled", {});
            };
        set_asyncgen_hooks(std::move(hooks));
        set_unraisable_hook([this](const PyException& e) {
            if (finished_) return;
            auto [name, arg] = exception_event(e);
            emit("Unraisable" + name, {arg});
        });
        set_warning_hook([this](const std::string& w) {
            if (w.find("was never awaited") != std::string::npos) emit("NeverAwaited", {std::to_string(dropping_)});
        });
        ag_.emplace(scripted_body([this](const Resumption& r) { return next_reaction(r); }), mode_);
        try {
            while (i_ < sc_.size()) {
                if (decoded_[sc_[i_]].reaction) {
                    begin(i_);
                    throw Inapplicable{"the body is not running"};
                }
                client_step();
            }
        } catch (const EndOfScript&) {
        } catch (const Inapplicable& e) {
            stop(e.reason);
        } catch (const ScriptError& e) {
            stop(e.what());
        }
        // Cleanup (finalizing the generator may resume its body) is not part
        // of the scenario: stop recording first.
        finished_ = true;
        current_ = -1;
        slots_ = {};
        ag_.reset();
        set_asyncgen_hooks({});
        set_unraisable_hook(nullptr);
        set_warning_hook(nullptr);
        // Steps after the last one begun were not taken.
        size_t taken = 0;
        while (taken < begun_.size() && begun_[taken]) ++taken;
        if (stopped_at_) taken = std::min(taken, *stopped_at_ + 1);
        out_.resize(taken);
    }

  private:
    void begin(size_t k) {
        current_ = int(k);
        begun_[k] = true;
    }

    void emit(const std::string& name, const std::vector<std::string>& args) {
        if (current_ < 0 || finished_) return;
        StepEvents(cm_.machine(), out_[size_t(current_)]).emit(name, args);
    }

    void stop(const std::string& reason) {
        size_t k = current_ < 0 ? 0 : size_t(current_);
        if (!begun_[k]) begun_[k] = true;
        StepEvents(cm_.machine(), out_[k]).stop(reason);
        if (!stopped_at_) stopped_at_ = k;
    }

    // The body asks for its next reaction: re-entrant client steps first.
    std::optional<Reaction> next_reaction(const Resumption& r) {
        if (r.thrown) {
            auto [name, arg] = exception_event(*r.thrown);
            emit("ThrownIn", {name == "Err" ? r.thrown->cls().name() : arg});
        }
        else emit("Resumed", {value_name(r.value)});
        if (finished_) {
            ended_ = true;
            return std::nullopt;
        }
        while (true) {
            if (i_ >= sc_.size()) {
                ended_ = true;
                return std::nullopt;
            }
            const Step& s = decoded_[sc_[i_]];
            if (s.reaction) {
                begin(i_);
                ++i_;
                if (s.action == "body_yield") return Reaction::yield(value_of(s.v));
                if (s.action == "body_await") return Reaction::await(value_of(s.v));
                if (s.action == "body_return") return Reaction::return_();
                if (s.action == "body_raise") return Reaction::raise(PyException(*exception_class(s.e), kTag));
                if (!r.thrown) throw Inapplicable{"body_propagate without an exception thrown in"};
                return Reaction::propagate();
            }
            client_step();
        }
    }

    void outcome(int slot, const PyException& e) {
        auto [name, arg] = exception_event(e);
        emit(name, {std::to_string(slot), arg});
    }

    void client_step() {
        const Step& s = decoded_[sc_[i_]];
        begin(i_);
        ++i_;
        std::string slot = std::to_string(s.slot);
        const std::string& a = s.action;
        if (a == "anext" || a == "asend" || a == "athrow" || a == "aclose") {
            if (!ag_) throw Inapplicable{"the generator was collected"};
            std::optional<Awaitable> aw;
            try {
                if (a == "anext") aw = ag_->anext();
                else if (a == "asend") aw = ag_->asend(value_of(s.v));
                else if (a == "athrow") aw = ag_->athrow(PyException(*exception_class(s.e), kTag));
                else aw = ag_->aclose();
            } catch (const PyException& e) {
                outcome(s.slot, e);
                return;
            }
            slots_[size_t(s.slot)] = std::move(aw);
            emit("NewAwaitable", {slot});
        } else if (a == "send" || a == "throw" || a == "close") {
            if (!slots_[size_t(s.slot)]) throw Inapplicable{"no awaitable in slot " + slot};
            // A copy: the body may drop the slot's reference while this step runs.
            Awaitable aw = *slots_[size_t(s.slot)];
            Outcome o = a == "send"    ? aw.send(value_of(s.v))
                        : a == "throw" ? aw.throw_(PyException(*exception_class(s.e), kTag))
                                       : aw.close();
            switch (o.kind) {
            case Outcome::Kind::Stop: emit("StopIter", {slot, value_name(o.value)}); break;
            case Outcome::Kind::Passed: emit("Passed", {slot, value_name(o.value)}); break;
            case Outcome::Kind::CloseReturned: emit("CloseReturned", {slot}); break;
            case Outcome::Kind::Raised: outcome(s.slot, *o.error); break;
            }
        } else if (a == "drop") {
            if (!slots_[size_t(s.slot)]) throw Inapplicable{"no awaitable in slot " + slot};
            dropping_ = s.slot;
            slots_[size_t(s.slot)].reset();
            emit("Dropped", {slot});
        } else if (a == "collect") {
            for (const auto& x : slots_)
                if (x) throw Inapplicable{"awaitables still hold the generator"};
            ag_.reset();
            if (ended_) throw EndOfScript{};  // the body was resumed and the scenario ends there
            emit("Collected", {});
        } else {
            throw Inapplicable{"unknown action " + a};
        }
    }

    const spec::CompiledMachine& cm_;
    const std::vector<Step>& decoded_;
    const explorer::Scenario& sc_;
    std::vector<spec::ObservedStep>& out_;
    AsyncGenMode mode_;
    std::string firstiter_;
    bool finalizer_;
    std::vector<bool> begun_;
    int current_ = -1;
    std::optional<size_t> stopped_at_;
    size_t i_ = 0;
    bool finished_ = false;
    bool ended_ = false;
    int dropping_ = 0;
    std::array<std::optional<Awaitable>, 3> slots_;
    std::optional<AsyncGen> ag_;
};

}  // namespace

std::unique_ptr<explorer::Implementation> make_asyncgen(const spec::CompiledMachine& cm) {
    const spec::Machine& m = cm.machine();
    std::string profile = const_text(m, "profile");
    AsyncGenMode mode = profile == "cpython311"   ? AsyncGenMode::CPython311
                        : profile == "cpython312" ? AsyncGenMode::CPython312
                        : profile == "cpython3124" ? AsyncGenMode::CPython3124
                        : profile == "cpython313" ? AsyncGenMode::CPython313
                                                  : AsyncGenMode::Reference;
    std::string firstiter = const_text(m, "FIRSTITER");
    bool finalizer = const_text(m, "FINALIZER") == "true";
    if (const_text(m, "SLOTS") != "" && std::stoi(const_text(m, "SLOTS")) > 3)
        throw spec::UsageError("--impl cpp: AsyncGen supports at most 3 awaitable slots");
    // Each instance decoded once: the runs look up a table, not names.
    auto decoded = std::make_shared<std::vector<Step>>(cm.instance_count());
    for (uint32_t i = 0; i < cm.instance_count(); ++i) {
        const spec::Instance& inst = cm.instance(i);
        const spec::Action& act = m.actions[inst.action];
        Step& s = (*decoded)[i];
        s.action = act.name;
        s.reaction = act.name.rfind("body_", 0) == 0;
        for (size_t k = 0; k < act.params.size(); ++k) {
            std::string v = arg_text(cm, i, k);
            if (act.params[k].name == "s") s.slot = std::stoi(v);
            else if (act.params[k].name == "v") s.v = v;
            else if (act.params[k].name == "e") s.e = v;
        }
    }
    auto run = [decoded, mode, firstiter, finalizer](const spec::CompiledMachine& c, const explorer::Scenario& sc,
                                                     std::vector<spec::ObservedStep>& out) {
        ScenarioRun(c, *decoded, sc, out, mode, firstiter, finalizer).run();
    };
    return make_model_implementation(cm, "stateproof model/ (C++ async generators, " + profile + " mode)", run);
}

}  // namespace stateproof::drivers::cpp
