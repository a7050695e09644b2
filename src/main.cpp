// launchgate: is this client portal ready for its first 100 real users? Everything is in app::main.

#include "app/main.hpp"

int main(int argc, char** argv) {
  return lg::app::main(argc, argv);
}
