// The built-in configuration (etc/cuttle.conf, compiled in by CMake).
#pragma once

namespace cuttle {
extern const char* const kDefaultConfig;
}
