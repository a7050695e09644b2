#pragma once

namespace lg::app {

/// The whole program: parses the command line, runs a subcommand, maps outcomes to exit codes
/// (0 ready, 1 not_ready, 2 usage or config error, 3 internal error, 4 incomplete).
int main(int argc, char** argv);

} // namespace lg::app
