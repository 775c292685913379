// C3 linearisation (mro_implementation and pmerge in Objects/typeobject.c;
// "The Python 2.3 Method Resolution Order").

#include <algorithm>

#include "model/object.h"

namespace stateproof::model {

std::vector<Type*> c3_linearize(Type* cls, const std::vector<TypeRef>& bases) {
    // check_duplicates runs before the merge, with its own message.
    for (size_t i = 0; i < bases.size(); ++i)
        for (size_t j = i + 1; j < bases.size(); ++j)
            if (bases[i] == bases[j]) throw type_error("duplicate base class " + bases[i]->name);

    // Merge the bases' MROs and the list of bases itself.
    std::vector<std::vector<Type*>> lists;
    for (const TypeRef& b : bases) lists.push_back(b->mro);
    std::vector<Type*> direct;
    for (const TypeRef& b : bases) direct.push_back(b.get());
    lists.push_back(direct);
    std::vector<size_t> head(lists.size(), 0);

    auto in_a_tail = [&](Type* t) {
        for (size_t j = 0; j < lists.size(); ++j)
            if (head[j] < lists[j].size() && std::find(lists[j].begin() + long(head[j]) + 1, lists[j].end(), t) != lists[j].end())
                return true;
        return false;
    };

    std::vector<Type*> mro{cls};
    for (;;) {
        Type* next = nullptr;
        bool any_left = false;
        for (size_t i = 0; i < lists.size() && !next; ++i) {
            if (head[i] == lists[i].size()) continue;
            any_left = true;
            if (!in_a_tail(lists[i][head[i]])) next = lists[i][head[i]];
        }
        if (!any_left) return mro;
        if (!next) {
            // set_mro_error: the heads still waiting, each once, in list order.
            std::vector<Type*> heads;
            for (size_t i = 0; i < lists.size(); ++i)
                if (head[i] < lists[i].size() && std::find(heads.begin(), heads.end(), lists[i][head[i]]) == heads.end())
                    heads.push_back(lists[i][head[i]]);
            std::string names;
            for (Type* h : heads) names += (names.empty() ? "" : ", ") + h->name;
            throw type_error("Cannot create a consistent method resolution\norder (MRO) for bases " + names);
        }
        mro.push_back(next);
        for (size_t i = 0; i < lists.size(); ++i)
            if (head[i] < lists[i].size() && lists[i][head[i]] == next) ++head[i];
    }
}

}  // namespace stateproof::model
