#include "drivers/cpp/adapter.h"

#include <nlohmann/json.hpp>

namespace stateproof::drivers::cpp {

void StepEvents::emit(const std::string& name, const std::vector<std::string>& args) {
    if (stopped()) return;
    std::optional<uint32_t> e = m_.find_event(name);
    const std::vector<spec::Param>* params = e ? &m_.events[*e].params : nullptr;
    if (params && params->size() == args.size()) {
        spec::EventValue v{*e, {}};
        for (size_t k = 0; k < params->size() && v.args.size() == k; ++k)
            if (std::optional<int32_t> x = m_.parse_value((*params)[k].type, args[k])) v.args.push_back(*x);
        if (v.args.size() == args.size()) {
            step_.events.push_back(std::move(v));
            return;
        }
    }
    // Outside the spec's vocabulary: reported as the model said it, for the
    // checker to show as a divergence. Integers stay numbers (slot numbers
    // are left out of divergence classes), everything else is a string.
    std::vector<std::pair<std::string, std::string>> reported;
    for (size_t k = 0; k < args.size(); ++k) {
        std::string key = params && k < params->size() ? (*params)[k].name : "arg" + std::to_string(k + 1);
        bool integer = !args[k].empty() && args[k].size() < 10 &&
                       args[k].find_first_not_of("0123456789", args[k][0] == '-' ? 1 : 0) == std::string::npos &&
                       args[k] != "-";
        reported.emplace_back(key, integer ? args[k] : nlohmann::json(args[k]).dump());
    }
    step_.events.push_back(spec::foreign_event(name, std::move(reported)));
}

std::string other_exception(const model::PyException& e) { return "Other:" + e.cls().name() + ":" + e.message(); }

std::string other_value(const model::Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return "Value:'" + *s + "'";
    if (const auto* i = std::get_if<int64_t>(&v)) return "Value:" + std::to_string(*i);
    if (std::holds_alternative<model::None>(v)) return "Value:None";
    return "Value:<" + model::type_of(v)->name + " object>";
}

void StepEvents::stop(const std::string& reason) {
    if (!stopped()) step_.stopped = "inapplicable: " + reason;
}

std::string arg_text(const spec::CompiledMachine& cm, uint32_t i, size_t k) {
    const spec::Instance& inst = cm.instance(i);
    const spec::Machine& m = cm.machine();
    return m.format_value(m.actions[inst.action].params.at(k).type, inst.args.at(k));
}

std::string const_text(const spec::Machine& m, const std::string& name) {
    for (const auto& c : m.consts)
        if (c.name == name) return m.format_value(c.type, c.value);
    return "";
}

void run_shaped_scenario(const spec::CompiledMachine& cm, const explorer::Scenario& sc,
                         std::vector<spec::ObservedStep>& out, const std::map<std::string, std::string>& setup,
                         const std::string& final_action, const std::function<void(Shape&, StepEvents&)>& perform) {
    const spec::Machine& m = cm.machine();
    Shape shape;
    for (uint32_t i : sc) {
        const spec::Instance& inst = cm.instance(i);
        spec::ObservedStep& step = out.emplace_back();
        step.action = inst.action;
        step.args = inst.args;
        StepEvents events(m, step);
        const std::string& action = m.actions[inst.action].name;
        if (auto it = setup.find(action); it != setup.end()) shape[it->second] = arg_text(cm, i, 0);
        else if (action == final_action) perform(shape, events);
        else events.stop("unknown action " + action);
        if (events.stopped()) return;
    }
}

namespace {

class ModelImplementation : public explorer::Implementation {
  public:
    ModelImplementation(const spec::CompiledMachine& cm, std::string name, ScenarioRunner runner)
        : cm_(cm), name_(std::move(name)), runner_(std::move(runner)) {}
    std::string name() const override { return name_; }
    size_t run(const std::vector<explorer::Scenario>& batch, std::vector<std::vector<spec::ObservedStep>>& out,
               explorer::Fault& fault) override {
        out.assign(batch.size(), {});
        for (size_t k = 0; k < batch.size(); ++k) {
            // What escapes the model is a finding about the model, with its scenario.
            try {
                runner_(cm_, batch[k], out[k]);
            } catch (const std::exception& e) {
                fault = {"exception escaped the model", e.what()};
                return k;
            }
        }
        return batch.size();
    }

  private:
    const spec::CompiledMachine& cm_;
    std::string name_;
    ScenarioRunner runner_;
};

}  // namespace

std::unique_ptr<explorer::Implementation> make_model_implementation(const spec::CompiledMachine& cm, std::string name,
                                                                    ScenarioRunner runner) {
    return std::make_unique<ModelImplementation>(cm, std::move(name), std::move(runner));
}

}  // namespace stateproof::drivers::cpp
