#pragma once

#include <string>

#include "bot_state.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/fence.hpp"

namespace notifyd::telegram {

/// The bot state's shared document (`state_file`). Only the replica that
/// leads the bot writes it, each write fenced with the bot's lease, so a
/// replica that lost the lease without knowing it yet changes nothing. Used
/// on the plugin's strand (blocking: one file write or database round trip).
class BotStateDocument {
 public:
  /// What a commit did.
  enum class Outcome {
    written,  ///< the document holds the state
    fenced,   ///< refused: the lease has passed on or expired; this replica leads no more
    failed,   ///< not written (I/O or database error); `error` says why
  };
  struct Commit {
    Outcome outcome = Outcome::written;
    std::string error;
  };

  BotStateDocument(sdk::DocumentStore& store, std::string name) : store_(store), name_(std::move(name)) {}

  /// The state as stored; a fresh state when the document does not exist or
  /// does not parse (reported in `problem`); an error when it cannot be read.
  sdk::Result<BotState> load(std::string& problem) const;
  /// Replaces the document with `state` while `fence` is current.
  Commit commit(const BotState& state, const sdk::Fence& fence);

  const std::string& name() const noexcept { return name_; }

 private:
  sdk::DocumentStore& store_;
  std::string name_;
};

}  // namespace notifyd::telegram
