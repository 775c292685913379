#include "spec/ir.h"

#include <charconv>

namespace stateproof::spec {

template <class Items>
static std::optional<uint32_t> find_named(const Items& items, const std::string& name) {
    for (uint32_t i = 0; i < items.size(); ++i)
        if (items[i].name == name) return i;
    return std::nullopt;
}

std::optional<uint32_t> Machine::find_action(const std::string& n) const {
    return find_named(actions, n);
}
std::optional<uint32_t> Machine::find_event(const std::string& n) const {
    return find_named(events, n);
}
std::optional<uint32_t> Machine::find_property(const std::string& n) const {
    return find_named(properties, n);
}
std::optional<uint32_t> Machine::find_var(const std::string& n) const {
    return find_named(vars, n);
}

std::string Machine::format_value(TypeId t, int32_t value) const {
    const Type& ty = types[t];
    switch (ty.kind) {
    case Type::Kind::Bool:
        return value ? "true" : "false";
    case Type::Kind::Enum: {
        const auto& members = enums[ty.enum_id].members;
        if (value >= 0 && uint32_t(value) < members.size()) return members[value];
        return "<invalid " + std::to_string(value) + ">";
    }
    default:
        return std::to_string(value);
    }
}

std::optional<int32_t> Machine::parse_value(TypeId t, const std::string& text) const {
    const Type& ty = types[t];
    switch (ty.kind) {
    case Type::Kind::Bool:
        if (text == "true") return 1;
        if (text == "false") return 0;
        return std::nullopt;
    case Type::Kind::Enum: {
        const auto& e = enums[ty.enum_id];
        std::string member = text;
        // Accept the qualified form `Enum.Member` too.
        if (member.size() > e.name.size() + 1 && member.compare(0, e.name.size(), e.name) == 0 &&
            member[e.name.size()] == '.')
            member = member.substr(e.name.size() + 1);
        for (uint32_t i = 0; i < e.members.size(); ++i)
            if (e.members[i] == member) return int32_t(i);
        return std::nullopt;
    }
    case Type::Kind::Int: {
        int32_t v = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
        if (v < ty.lo || v > ty.hi) return std::nullopt;
        return v;
    }
    default:
        return std::nullopt;
    }
}

std::string Machine::type_name(TypeId t) const {
    const Type& ty = types[t];
    switch (ty.kind) {
    case Type::Kind::Bool:
        return "bool";
    case Type::Kind::Int:
        return std::to_string(ty.lo) + ".." + std::to_string(ty.hi);
    case Type::Kind::Enum:
        return enums[ty.enum_id].name;
    case Type::Kind::Array:
        return "array[" + type_name(ty.index) + "] of " + type_name(ty.elem);
    case Type::Kind::Record: {
        std::string s = "record { ";
        for (size_t i = 0; i < ty.fields.size(); ++i) {
            if (i) s += ", ";
            s += ty.fields[i].name + ": " + type_name(ty.fields[i].type);
        }
        return s + " }";
    }
    }
    return "?";
}

}  // namespace stateproof::spec
