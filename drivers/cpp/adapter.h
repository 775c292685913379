#pragma once
// What the machine adapters of `conform --impl cpp` share (drivers/cpp/*.cpp):
// they run a scenario on model/ and report, per step, the spec's events by
// name, as the Python driver does (drivers/python/stateproof_driver/).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "explorer/conform.h"
#include "model/exceptions.h"
#include "model/object.h"

namespace stateproof::drivers::cpp {

/// The events one step observed, built from the spec's names.
class StepEvents {
  public:
    StepEvents(const spec::Machine& m, spec::ObservedStep& step) : m_(m), step_(step) {}
    /// Appends event `name` with its arguments (printable values, in the
    /// event's parameter order). An event or a value the spec does not have
    /// (see other_exception, other_value) is appended as a foreign event, verbatim: the
    /// checker reports it as a divergence with what the model said.
    void emit(const std::string& name, const std::vector<std::string>& args = {});
    /// Ends the scenario at this step: the model could not take it.
    void stop(const std::string& reason);
    bool stopped() const { return !step_.stopped.empty(); }

  private:
    const spec::Machine& m_;
    spec::ObservedStep& step_;
};

/// What the model did when the spec has no name for it, in the forms the
/// Python driver uses (docs/driver-protocol.md, "report what happened"):
/// `Other:Type:message` for an exception, `Value:repr` for a value.
std::string other_exception(const model::PyException& e);
std::string other_value(const model::Value& v);

/// The printable value of argument `k` of instance `i` ("Dot", "true").
std::string arg_text(const spec::CompiledMachine& cm, uint32_t i, size_t k);
/// The printable value of constant `name`, or "" if the spec has none.
std::string const_text(const spec::Machine& m, const std::string& name);

/// Runs one scenario from a fresh start, appending one observed step per
/// step taken (stopping after a stopped one).
using ScenarioRunner = std::function<void(const spec::CompiledMachine&, const explorer::Scenario&,
                                          std::vector<spec::ObservedStep>&)>;

/// The lookup machines' scenarios (AttributeLookup, Subscript): setup steps,
/// each recording one choice of the shape (`setup` maps the action to the
/// shape's key, the choice is the action's argument), then `final_action`,
/// which runs the shape through `perform`.
using Shape = std::map<std::string, std::string>;
void run_shaped_scenario(const spec::CompiledMachine& cm, const explorer::Scenario& sc,
                         std::vector<spec::ObservedStep>& out, const std::map<std::string, std::string>& setup,
                         const std::string& final_action, const std::function<void(Shape&, StepEvents&)>& perform);

/// An Implementation that runs each scenario through `runner`.
std::unique_ptr<explorer::Implementation> make_model_implementation(const spec::CompiledMachine& cm, std::string name,
                                                                    ScenarioRunner runner);

/// The machines model/ implements.
std::unique_ptr<explorer::Implementation> make_attribute_lookup(const spec::CompiledMachine& cm);
std::unique_ptr<explorer::Implementation> make_subscript(const spec::CompiledMachine& cm);
std::unique_ptr<explorer::Implementation> make_asyncgen(const spec::CompiledMachine& cm);

}  // namespace stateproof::drivers::cpp
