// engine/delivery/queue.cpp
#include "engine/delivery/queue.hpp"

#include <algorithm>
#include <utility>

namespace sts::delivery {

std::string_view to_string(queue_state s) {
    switch (s) {
        case queue_state::waiting:
            return "waiting";
        case queue_state::in_flight:
            return "in_flight";
        case queue_state::delivered:
            return "delivered";
        case queue_state::bounced:
            return "bounced";
    }
    return "waiting";
}

std::string recipient_domain(std::string_view address) {
    const auto at = address.rfind('@');
    if (at == std::string_view::npos) return {};
    std::string_view domain = address.substr(at + 1);
    if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
    std::string out(domain);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

queue::queue(queue_config config)
    : concurrency_max_(std::max<std::size_t>(config.concurrency_max, 1)),
      next_mid_(config.mid_first),
      next_dcid_(config.dcid_first) {}

std::uint64_t queue::accept(message m, core::time_point now) {
    const std::uint64_t mid = next_mid_++;
    queued_message qm;
    qm.mid = mid;
    qm.accepted_at = now;
    qm.recipients.reserve(m.rcpt_to.size());
    for (std::size_t i = 0; i < m.rcpt_to.size(); ++i) {
        queued_recipient r;
        r.rid = static_cast<unsigned>(i);
        r.address = m.rcpt_to[i];
        r.domain = recipient_domain(r.address);
        r.due_at = now;
        waiting_.emplace(now, mid, r.rid);
        qm.recipients.push_back(std::move(r));
    }
    counts_.accepted += qm.recipients.size();
    counts_.waiting += qm.recipients.size();
    qm.content = std::move(m);
    messages_.emplace(mid, std::move(qm));
    return mid;
}

std::vector<delivery_job> queue::take_due(core::time_point now) {
    std::vector<delivery_job> jobs;
    // Walk the waiting recipients in (due, MID, RID) order; the first recipient of a
    // (message, domain) pair opens its job, which then takes every due recipient of that
    // pair, so the order of jobs is (due, MID, first RID) and never depends on hashing.
    auto it = waiting_.begin();
    while (it != waiting_.end() && std::get<0>(*it) <= now && has_free_slot()) {
        const auto [due, mid, rid] = *it;
        queued_message& m = messages_.at(mid);
        const std::string domain = m.recipients[rid].domain;
        if (jobs_in_flight_.count(std::pair(mid, domain)) != 0) {
            ++it;
            continue;
        }
        delivery_job job{mid, domain, {}};
        for (auto& r : m.recipients) {
            if (r.state != queue_state::waiting || r.domain != domain || r.due_at > now) continue;
            waiting_.erase(waiting_key{r.due_at, mid, r.rid});
            r.state = queue_state::in_flight;
            ++r.attempts;
            --counts_.waiting;
            ++counts_.in_flight;
            job.rids.push_back(r.rid);
        }
        jobs_in_flight_.emplace(mid, domain);
        counts_.jobs_in_flight = jobs_in_flight_.size();
        jobs.push_back(std::move(job));
        // The set changed under the iterator; start again from the earliest entry, which
        // skips the pairs in flight quickly.
        it = waiting_.begin();
    }
    return jobs;
}

std::size_t queue::finish_job(const delivery_job& job, core::time_point now) {
    std::size_t stranded = 0;
    const auto mit = messages_.find(job.mid);
    if (mit != messages_.end()) {
        for (const unsigned rid : job.rids) {
            if (rid >= mit->second.recipients.size()) continue;
            auto& r = mit->second.recipients[rid];
            if (r.state != queue_state::in_flight) continue;
            ++stranded;
            r.state = queue_state::waiting;
            r.due_at = now;
            waiting_.emplace(now, job.mid, rid);
            --counts_.in_flight;
            ++counts_.waiting;
        }
    }
    jobs_in_flight_.erase(std::pair(job.mid, job.domain));
    counts_.jobs_in_flight = jobs_in_flight_.size();
    return stranded;
}

queued_recipient* queue::in_flight(std::uint64_t mid, unsigned rid) {
    const auto it = messages_.find(mid);
    if (it == messages_.end() || rid >= it->second.recipients.size()) return nullptr;
    auto& r = it->second.recipients[rid];
    return r.state == queue_state::in_flight ? &r : nullptr;
}

bool queue::mark_delivered(std::uint64_t mid, unsigned rid, delivery_note note) {
    auto* r = in_flight(mid, rid);
    if (r == nullptr) return false;
    --counts_.in_flight;
    r->state = queue_state::delivered;
    r->delivered = std::move(note);
    ++counts_.delivered;
    return true;
}

bool queue::mark_deferred(std::uint64_t mid, unsigned rid, core::time_point due_at, failure_note why) {
    auto* r = in_flight(mid, rid);
    if (r == nullptr) return false;
    --counts_.in_flight;
    r->state = queue_state::waiting;
    r->due_at = due_at;
    r->last_failure = std::move(why);
    waiting_.emplace(due_at, mid, rid);
    ++counts_.waiting;
    return true;
}

bool queue::mark_bounced(std::uint64_t mid, unsigned rid, std::string reason) {
    auto* r = in_flight(mid, rid);
    if (r == nullptr) return false;
    --counts_.in_flight;
    r->state = queue_state::bounced;
    r->bounce_reason = std::move(reason);
    ++counts_.bounced;
    return true;
}

bool queue::note_failure(std::uint64_t mid, unsigned rid, failure_note why) {
    auto* r = in_flight(mid, rid);
    if (r == nullptr) return false;
    r->last_failure = std::move(why);
    return true;
}

std::optional<core::time_point> queue::next_due() const {
    for (const auto& [due, mid, rid] : waiting_) {
        const auto& r = messages_.at(mid).recipients[rid];
        if (jobs_in_flight_.count(std::pair(mid, r.domain)) == 0) return due;
    }
    return std::nullopt;
}

bool queue::finished(std::uint64_t mid) const {
    const auto it = messages_.find(mid);
    if (it == messages_.end()) return false;
    return std::all_of(it->second.recipients.begin(), it->second.recipients.end(), [](const queued_recipient& r) {
        return r.state == queue_state::delivered || r.state == queue_state::bounced;
    });
}

const queued_message* queue::find(std::uint64_t mid) const {
    const auto it = messages_.find(mid);
    return it == messages_.end() ? nullptr : &it->second;
}

const queued_recipient* queue::find(std::uint64_t mid, unsigned rid) const {
    const auto* m = find(mid);
    if (m == nullptr || rid >= m->recipients.size()) return nullptr;
    return &m->recipients[rid];
}

queue_counts queue::recount() const {
    queue_counts c;
    for (const auto& [mid, m] : messages_) {
        for (const auto& r : m.recipients) {
            ++c.accepted;
            switch (r.state) {
                case queue_state::waiting:
                    ++c.waiting;
                    break;
                case queue_state::in_flight:
                    ++c.in_flight;
                    break;
                case queue_state::delivered:
                    ++c.delivered;
                    break;
                case queue_state::bounced:
                    ++c.bounced;
                    break;
            }
        }
    }
    c.jobs_in_flight = jobs_in_flight_.size();
    return c;
}

}  // namespace sts::delivery
