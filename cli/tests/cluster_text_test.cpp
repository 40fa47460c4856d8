#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cluster_text.hpp"
#include "command_line.hpp"

using namespace notifyctl;

namespace {

notifyd::core::MigrationCounts some_counts() {
  notifyd::core::MigrationCounts counts;
  counts.store = {3, 1, 0, 4, 2, 1};
  counts.documents = {"cron_state.json", "telegram_users.json"};
  counts.document_bytes = 120;
  counts.skipped = {"link (a symbolic link)"};
  return counts;
}

ClusterArguments cluster_of(const std::vector<std::string>& arguments) {
  auto parsed = parse_command_line(arguments);
  if (const auto* error = std::get_if<UsageError>(&parsed)) FAIL("unexpected usage error: " << error->message);
  const auto& command = std::get<CommandLine>(parsed).command;
  REQUIRE(std::holds_alternative<ClusterArguments>(command));
  return std::get<ClusterArguments>(command);
}

std::string rejected(const std::vector<std::string>& arguments) {
  auto parsed = parse_command_line(arguments);
  REQUIRE(std::holds_alternative<UsageError>(parsed));
  CHECK(std::get<UsageError>(parsed).command == "cluster");
  return std::get<UsageError>(parsed).message;
}

}  // namespace

TEST_CASE("cluster import and export take their options", "[cluster]") {
  const auto import = cluster_of({"cluster", "import", "--config", "/etc/n.toml", "--replace"});
  CHECK(import.action == ClusterArguments::Action::import_data);
  CHECK(import.config_path == "/etc/n.toml");
  CHECK_FALSE(import.data_dir);
  CHECK(import.replace);

  const auto exported = cluster_of({"cluster", "export", "--data-dir", "/srv/new", "--dsn-file", "/etc/dsn"});
  CHECK(exported.action == ClusterArguments::Action::export_data);
  CHECK(exported.data_dir == "/srv/new");
  CHECK(exported.dsn_file == "/etc/dsn");
  CHECK_FALSE(exported.replace);
}

TEST_CASE("cluster refuses a missing or unknown subcommand and an export without its directory", "[cluster]") {
  CHECK(rejected({"cluster"}) == "cluster needs a subcommand: import or export");
  CHECK(rejected({"cluster", "move"}) == "unknown cluster subcommand 'move' (import or export)");
  CHECK(rejected({"cluster", "import", "x"}) == "cluster takes one subcommand, got 'x'");
  CHECK(rejected({"cluster", "export"}) == "cluster export needs --data-dir NEWDIR, the directory to write");
  CHECK(rejected({"cluster", "export", "--data-dir", "/x", "--replace"}) == "--replace is for cluster import");
  CHECK(rejected({"cluster", "import", "--dsn-file", ""}) == "--dsn-file must not be empty");
}

TEST_CASE("what a copy moved is said per kind, documents by name", "[cluster]") {
  CHECK(migration_text(MigrationDirection::imported, "/var/lib/notifyd", some_counts()) ==
        "imported /var/lib/notifyd into PostgreSQL:\n"
        "  3 notifications (1 image)\n"
        "  4 deliveries\n"
        "  2 delivery attempts\n"
        "  1 check run\n"
        "  2 documents (120 bytes): cron_state.json, telegram_users.json\n"
        "  not copied: link (a symbolic link)\n");
  auto counts = some_counts();
  counts.store.missing_images = 1;
  counts.documents.clear();
  counts.skipped.clear();
  CHECK(migration_text(MigrationDirection::exported, "/srv/new", counts) ==
        "exported PostgreSQL into /srv/new:\n"
        "  3 notifications (1 image)\n"
        "  1 notification without their image (it was missing in the source)\n"
        "  4 deliveries\n"
        "  2 delivery attempts\n"
        "  1 check run\n"
        "  0 documents (120 bytes)\n");
  CHECK(migration_json(MigrationDirection::imported, "/d", some_counts()) ==
        R"({"direction":"import","data_dir":"/d","notifications":3,"images":1,"missing_images":0,"deliveries":4,)"
        R"("attempts":2,"runs":1,"documents":["cron_state.json","telegram_users.json"],"document_bytes":120,)"
        R"J("skipped":["link (a symbolic link)"]})J" "\n");
}
