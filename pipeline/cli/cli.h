#pragma once

namespace qikan {

// The qikan command: parses the command line, runs, and maps the outcome to an exit status.
int RunCli(int argc, char** argv);

}  // namespace qikan
