#include <cstdlib>
const char* a = std::getenv("API_TOKEN");
const char* b = secure_getenv("HOME_DIR");
// Go: os.Getenv("GO_VAR"); v, ok := os.LookupEnv("GO_OPT")
// Ruby: ENV["RUBY_VAR"]; ENV.fetch("RUBY_OPT") PHP: $_ENV['PHP_VAR']; getenv('PHP_GET')
