#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/document_store.hpp"

namespace notifyd::core {

/// A check some host group offers, as the catalogue lists it.
struct CataloguedCheck {
  std::string host_group;
  std::string user;
  std::string name;
  std::chrono::milliseconds timeout{0};
  std::string schedule;  ///< as its provider declares it; empty = the scheduler's default
  std::string origin;    ///< where it comes from, for people (a script path, "native:disk_space")
};

/// Which host group offers which check: the shared document
/// `check-catalogue.json`,
/// `{"<host group>": [{"user", "name", "timeout_ms", "schedule", "origin"}...]}`,
/// so a replica asked to run a check it does not have knows where to send
/// the request. Each replica writes its own host group's entry when its
/// checks differ from it (replicas of one host group see the same checks);
/// an entry stays after the last replica of its group stopped, so an asker
/// can say that no replica of that group is running. Blocking (one document
/// read or update per call).
class CheckCatalogue {
 public:
  static constexpr std::string_view document = "check-catalogue.json";

  CheckCatalogue(sdk::DocumentStore& documents, std::string host_group)
      : documents_(documents), host_group_(std::move(host_group)) {}

  /// Makes `checks` this host group's entry, unless it already is.
  sdk::Status publish(const std::vector<sdk::CheckDefinition>& checks);
  /// The host groups offering `user`'s check `name`, by group name; empty
  /// when none does.
  sdk::Result<std::vector<CataloguedCheck>> offers(std::string_view user, std::string_view name) const;
  /// Every host group's checks of `user` (every user's when empty), by user,
  /// name and host group.
  sdk::Result<std::vector<CataloguedCheck>> listed(std::string_view user) const;

 private:
  /// The listed checks `wanted` keeps, by user, name and host group.
  sdk::Result<std::vector<CataloguedCheck>> select(
      const std::function<bool(std::string_view user, std::string_view name)>& wanted) const;

  sdk::DocumentStore& documents_;
  const std::string host_group_;
};

}  // namespace notifyd::core
