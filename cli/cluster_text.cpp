#include "cluster_text.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace notifyctl {
namespace {

std::string plural(std::uint64_t count, const std::string& one, const std::string& many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace

std::string migration_text(MigrationDirection direction, const std::string& data_dir,
                           const notifyd::core::MigrationCounts& counts) {
  const auto& store = counts.store;
  std::string text = direction == MigrationDirection::imported
                         ? "imported " + data_dir + " into PostgreSQL:\n"
                         : "exported PostgreSQL into " + data_dir + ":\n";
  text += "  " + plural(store.notifications, "notification", "notifications") + " (" +
          plural(store.images, "image", "images") + ")\n";
  if (store.missing_images > 0) {
    text += "  " + plural(store.missing_images, "notification", "notifications") +
            " without their image (it was missing in the source)\n";
  }
  text += "  " + plural(store.deliveries, "delivery", "deliveries") + "\n";
  text += "  " + plural(store.attempts, "delivery attempt", "delivery attempts") + "\n";
  text += "  " + plural(store.runs, "check run", "check runs") + "\n";
  text += "  " + plural(counts.documents.size(), "document", "documents") + " (" +
          plural(counts.document_bytes, "byte", "bytes") + ")";
  for (std::size_t i = 0; i < counts.documents.size(); ++i) text += (i == 0 ? ": " : ", ") + counts.documents[i];
  text += "\n";
  for (const auto& skipped : counts.skipped) text += "  not copied: " + skipped + "\n";
  return text;
}

std::string migration_json(MigrationDirection direction, const std::string& data_dir,
                           const notifyd::core::MigrationCounts& counts) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const auto string = [&](const std::string& text) {
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  };
  const auto& store = counts.store;
  writer.StartObject();
  writer.Key("direction");
  string(direction == MigrationDirection::imported ? "import" : "export");
  writer.Key("data_dir");
  string(data_dir);
  for (const auto& [key, value] :
       {std::pair{"notifications", store.notifications}, std::pair{"images", store.images},
        std::pair{"missing_images", store.missing_images}, std::pair{"deliveries", store.deliveries},
        std::pair{"attempts", store.attempts}, std::pair{"runs", store.runs}}) {
    writer.Key(key);
    writer.Uint64(value);
  }
  writer.Key("documents");
  writer.StartArray();
  for (const auto& name : counts.documents) string(name);
  writer.EndArray();
  writer.Key("document_bytes");
  writer.Uint64(counts.document_bytes);
  writer.Key("skipped");
  writer.StartArray();
  for (const auto& skipped : counts.skipped) string(skipped);
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace notifyctl
